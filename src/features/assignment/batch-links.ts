import type { BatchIssue, BatchMeta } from "../../domain/batch.js";
import { sameLogin } from "../../domain/login.js";
import { refKey } from "../../domain/references.js";
import type { Registry } from "../../domain/registry.js";
import { assignMutation, type BatchLinks, subIssueMutation } from "../../github/batch-writer.js";
import type { Mutation } from "../../github/mutations.js";
import type { RequestCount } from "../shared/runtime.js";
import type { AssignmentPort } from "./port.js";

/** A batch issue whose links (its agent assigned, its SPECs assigned and made sub-issues) are to be complete. */
export interface LinkTarget {
  id: string;
  number: number;
  meta: BatchMeta;
  body: string;
  /** What GitHub holds; null when the issue could not be read (nothing is written for it). */
  links: BatchLinks | null;
}

/** Node ids of assignable agents by login; null for an agent GitHub can't assign here. */
export type UserOf = (login: string) => string | null;

/** Batches that exist on GitHub, with the links GitHub holds for each (one read per 50 batches). */
export async function existingTargets(
  port: Pick<AssignmentPort, "readBatchLinks">,
  batches: readonly BatchIssue[],
  count: RequestCount,
): Promise<LinkTarget[]> {
  if (!batches.length) return [];
  const read = await port.readBatchLinks(batches.map((b) => b.id));
  count.reads += read.requests;
  return batches.map((b) => ({
    id: b.id,
    number: b.number,
    meta: b.meta,
    body: b.body,
    links: read.links.get(b.id) ?? null,
  }));
}

/**
 * The writes that make each target's links complete, compared with what GitHub holds: the agent on its batch issue
 * and on each open SPEC, each SPEC not shared a sub-issue (moved out of a closed batch when it was in one). Nothing
 * that is so already.
 */
export function linkMutations(
  targets: readonly LinkTarget[],
  batches: readonly BatchIssue[],
  registry: Registry,
  userOf: UserOf,
): Mutation[] {
  const out: Mutation[] = [];
  for (const target of targets) {
    if (!target.links) continue;
    const { agent } = target.meta;
    const userId = userOf(agent);
    if (userId && !target.links.assignees.some((a) => sameLogin(a, agent)))
      out.push(assignMutation(target.id, userId, `assign @${agent} to batch #${target.number}`));
    for (const number of target.meta.specs) {
      const spec = registry.specs.get(refKey({ ...registry.repo, number }));
      if (spec?.state !== "OPEN") continue;
      if (userId && !spec.assignees.some((a) => sameLogin(a, agent)))
        out.push(assignMutation(spec.id, userId, `assign @${agent} to #${number}`));
      if (target.meta.shared.includes(number) || target.links.subIssues.has(number)) continue;
      out.push(
        subIssueMutation(target.id, spec.id, inClosedBatch(batches, number), subIssueName(number, target)),
      );
    }
  }
  return out;
}

function inClosedBatch(batches: readonly BatchIssue[], number: number): boolean {
  return batches.some(
    (b) => b.state === "CLOSED" && b.meta.specs.includes(number) && !b.meta.shared.includes(number),
  );
}

function subIssueName(number: number, target: LinkTarget): string {
  return `make #${number} a sub-issue of #${target.number}`;
}
