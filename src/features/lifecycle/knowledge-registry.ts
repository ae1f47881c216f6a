import {
  type Discovery,
  decodeKnowledge,
  hasEntries,
  KNOWLEDGE_TITLE,
  type KnowledgeMeta,
  mergeKnowledge,
  renderArchive,
  renderKnowledgeBody,
} from "../../domain/knowledge.js";
import type { RepoRef } from "../../domain/references.js";
import {
  closeIssueMutation,
  createdIssue,
  createIssueMutation,
  issueBodyMutation,
  stickyMutation,
} from "../../github/issue-writer.js";
import type { KnowledgeIssues } from "../../github/knowledge-reader.js";
import { type Mutation, type MutationOutcome, recordWrites } from "../../github/mutations.js";
import type { Lock } from "../../infra/lock.js";
import { REPORT_TEXT } from "../batch-tasks/run.js";
import { ensureLabels } from "../dependencies/run.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

export function knowledgeLockKey(repo: RepoRef): string {
  return `knowledge:${repo.owner}/${repo.repo}`.toLowerCase();
}

/** Rounds of read, merge, write; each round's read checks the previous round's write. */
const ATTEMPTS = 4;

/** The registry's calls (part of the lifecycle's port, `src/github/lifecycle-port.ts`). */
export interface KnowledgePort {
  readKnowledgeIssues(label: string): Promise<KnowledgeIssues>;
  runMutations(mutations: readonly Mutation[]): Promise<MutationOutcome>;
}

export interface RecordResult extends RequestCount {
  registry: number | null;
  failures: string[];
}

/**
 * Adds discoveries to the knowledge registry issue (opened on the first discovery). GitHub has no conditional
 * write for issue bodies, so each write is followed by a read: an entry another writer overwrote (an instance that
 * doesn't share this lock) is merged back in and written again. Entries are keyed by comment id, so merging is
 * safe whatever the order. A second registry issue (two instances opening one at once) is merged into the first and
 * closed.
 */
export async function recordDiscoveries(
  rt: Runtime,
  lock: Lock,
  discoveries: readonly Discovery[],
  port: KnowledgePort,
): Promise<RecordResult> {
  return lock.run(knowledgeLockKey(rt.repo), async () => {
    const result: RecordResult = { reads: 0, writes: 0, registry: null, failures: [] };
    const mine: KnowledgeMeta = { v: 1, entries: [...discoveries] };
    const label = rt.config.labels.knowledge;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await port.readKnowledgeIssues(label);
      result.reads++;
      const labelIds = new Map(read.labelId ? [[label.toLowerCase(), read.labelId]] : []);
      const [registry, ...duplicates] = read.issues;
      const merged = read.issues.reduce(
        (acc, issue) => mergeKnowledge(acc, decodeKnowledge(issue.body)),
        mine,
      );
      const rendered = renderKnowledgeBody(merged, REPORT_TEXT);
      result.registry = registry?.number ?? null;
      if (
        registry &&
        !duplicates.length &&
        rendered.body === registry.body &&
        hasEntries(merged, discoveries)
      )
        return result;

      const mutations: Mutation[] = [];
      if (!registry) {
        await ensureLabels(rt, read.repositoryId, labelIds, [label], result, port);
        const labelId = labelIds.get(label.toLowerCase());
        mutations.push(
          createIssueMutation(
            read.repositoryId,
            KNOWLEDGE_TITLE,
            rendered.body,
            labelId ? [labelId] : [],
            "knowledge registry",
          ),
        );
      } else {
        if (rendered.body !== registry.body)
          mutations.push(
            issueBodyMutation(registry.id, rendered.body, `knowledge registry #${registry.number}`),
          );
        if (rendered.archived.length) {
          const archive = stickyMutation(
            registry.id,
            null,
            renderArchive(rendered.archived, REPORT_TEXT),
            "knowledge registry archive",
          );
          if (archive) mutations.push(archive);
        }
        for (const duplicate of duplicates)
          mutations.push(
            closeIssueMutation(duplicate.id, "NOT_PLANNED", `knowledge registry #${duplicate.number}`),
          );
      }
      const outcome = await port.runMutations(mutations);
      recordWrites(result, outcome);
      if (outcome.failures.length) return result;
      if (!registry) {
        result.registry = createdIssue(outcome.results[0])?.number ?? null;
      }
    }
    result.failures.push(`knowledge registry still changing after ${ATTEMPTS} attempts`);
    return result;
  });
}
