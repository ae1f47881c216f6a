import { type ReportedBatch, renderAssignmentReply } from "../../domain/assignment-report.js";
import type { BatchIssue, BatchMeta } from "../../domain/batch.js";
import { batchId, draftBatches } from "../../domain/batch-message.js";
import { sameLogin } from "../../domain/login.js";
import { escapeMentions, quietMention } from "../../domain/mention-escape.js";
import { decodeMetadata, encodeMetadata } from "../../domain/metadata.js";
import { type Leftover, type PlanAgent, type PlanOptions, planBatches } from "../../domain/planner.js";
import { refKey } from "../../domain/references.js";
import { buildRegistry, externalReferences, statusLookup } from "../../domain/registry.js";
import { readBatches } from "../../github/batch-reader.js";
import {
  assignMutation,
  type BatchLinks,
  lookupAssignable,
  type OpenedIssue,
  openBatchMutation,
  readBatchLinks,
  subIssueMutation,
} from "../../github/batch-writer.js";
import { createdIssue, createLabelMutation, issueBodyMutation } from "../../github/issue-writer.js";
import { type Mutation, recordWrites, runMutations } from "../../github/mutations.js";
import { lookupIssues, readRegistry } from "../../github/registry-reader.js";
import { findReplyComment } from "../../github/replies.js";
import type { Fence } from "../../infra/lock.js";
import { driveNotes, driverLabels, prepareDrives } from "../agent-drivers/assignment.js";
import { fireDrives } from "../agent-drivers/fire.js";
import { bodyWithData } from "../agent-drivers/handoff.js";
import { readKnowledge } from "../lifecycle/knowledge-registry.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

/** The metadata block in the reply: batches the command still owes (GitHub refused them, or another command took over). */
const ASSIGNMENT_KIND = "assignment";

export interface AssignmentRequest {
  agents: PlanAgent[];
  options: PlanOptions;
  template: string;
  /** The command comment: batches are `<comment id>:<agent>`, so a redelivery finds what it opened before. */
  sourceCommentId: number;
  /** Where the command was given, and so where its reply is. */
  issueNumber: number;
  dryRun: boolean;
}

export interface AssignmentResult extends RequestCount {
  reply: string;
  /** Numbers of the batch issues opened by this run. */
  opened: number[];
  /** The open SPECs no batch took, with why (for `/batch next` to say why there is nothing). */
  leftovers: readonly Leftover[];
  failures: string[];
}

interface Target {
  id: string;
  number: number;
  meta: BatchMeta;
  body: string;
  links: BatchLinks | null;
}

/**
 * Plans and opens the batches of one `/batch assign`, idempotent per command comment: batches it opened before are
 * kept (and their missing assignments and sub-issue links finished), and only agents the command still owes a
 * batch are planned again. Run under the repository's planning lock; every write group first checks the fence.
 */
export async function runAssignment(
  rt: Runtime,
  request: AssignmentRequest,
  fence: Fence | null,
): Promise<AssignmentResult> {
  const result: AssignmentResult = {
    reply: "",
    reads: 0,
    writes: 0,
    opened: [],
    leftovers: [],
    failures: [],
  };
  const batchLabel = rt.config.labels.batch;
  const snapshot = await readRegistry(rt.octokit, rt.repo, rt.config.labels.spec, [
    batchLabel,
    ...driverLabels(rt.config),
  ]);
  result.reads += snapshot.requests;
  const registry = buildRegistry(rt.repo, snapshot.issues, rt.config, rt.hosts);
  const read = await readBatches(rt.octokit, rt.repo, batchLabel);
  result.reads += read.requests;
  const batches = read.batches;
  const knowledge = await readKnowledge(rt);
  result.reads++;
  const openSpecs = [...registry.specs.values()].filter((s) => s.state === "OPEN");
  const refs = externalReferences(registry, openSpecs);
  const external = refs.length ? await lookupIssues(rt.octokit, refs) : { issues: new Map(), requests: 0 };
  result.reads += external.requests;
  const status = statusLookup(registry, new Map([...external.issues].map(([k, v]) => [k, v.status])));

  const mine = batches.filter((b) => b.meta.id === batchId(request.sourceCommentId, b.meta.agent));
  let owed = (agent: PlanAgent) => !mine.some((b) => sameLogin(b.meta.agent, agent.login));
  if (!request.dryRun) {
    const earlier = await findReplyComment(
      rt.octokit,
      rt.repo,
      request.issueNumber,
      request.sourceCommentId,
      rt.botLogin,
    );
    result.reads++;
    if (earlier) {
      // The command was answered before: plan only for agents whose batch it still owed.
      const pending = decodeMetadata<{ pending?: string[] }>(earlier.body, ASSIGNMENT_KIND)?.pending ?? [];
      const withoutBatch = owed;
      owed = (agent) => withoutBatch(agent) && pending.some((p) => sameLogin(p, agent.login));
    }
  }
  // Agents owed nothing still count as taking their domains, so the leftovers read as they did.
  const agents = request.agents.map((a) => (owed(a) ? a : { ...a, capacity: 0 }));

  const plan = planBatches({
    registry,
    status,
    active: batches.filter((b) => b.state === "OPEN"),
    agents,
    options: request.options,
  });
  const own = new Set(mine.map((b) => b.number));
  const leftovers = plan.leftovers.filter(
    (l) => !(l.reason === "in-batch" && l.batch && own.has(l.batch.number)),
  );
  result.leftovers = leftovers;
  const drafts = draftBatches(plan, {
    registry,
    batches,
    template: request.template,
    sourceCommentId: request.sourceCommentId,
    createdAt: new Date().toISOString(),
    knowledge,
  });
  const idle = agents
    .filter((a) => a.capacity !== 0 && !plan.batches.some((b) => sameLogin(b.agent, a.login)))
    .map((a) => a.login);
  const report = (batchesReported: ReportedBatch[], notes: string[], pending: string[]) =>
    [
      renderAssignmentReply({
        repo: rt.repo,
        dryRun: request.dryRun,
        batches: batchesReported,
        leftovers,
        idle,
        notes,
        domain: request.options.domain,
      }),
      ...(pending.length ? [encodeMetadata(ASSIGNMENT_KIND, { pending })] : []),
    ].join("\n\n");

  if (request.dryRun) {
    result.reply = report(
      drafts.map((d) => ({ title: d.title, meta: d.meta, message: d.message, number: null })),
      [],
      [],
    );
    return result;
  }

  const notes: string[] = [];
  let current = true;
  /** Whether this command still holds the planning lock; once lost, it writes nothing more. */
  const stillCurrent = async () => {
    if (current && fence && !(await fence.isCurrent())) {
      current = false;
      notes.push(
        "Another planning command took over this repository before this one finished; it stopped writing.",
      );
    }
    return current;
  };
  const involved = [...mine.map((b) => b.meta.agent), ...drafts.map((d) => d.meta.agent)];
  const assignable = involved.length
    ? await lookupAssignable(rt.octokit, rt.repo, involved)
    : { users: new Map<string, string>(), requests: 0 };
  result.reads += assignable.requests;
  const userOf = (login: string) => assignable.users.get(login.toLowerCase()) ?? null;
  const run = async (mutations: Mutation[]) => {
    const outcome = await runMutations(rt.octokit, mutations);
    recordWrites(result, outcome);
    return outcome;
  };

  // The agents' drivers: which batches get a start signal (decided before anything is opened).
  const specOf = (number: number) => registry.specs.get(refKey({ ...rt.repo, number }));
  const drives = await prepareDrives(rt, { drafts, mine, batches, specOf, labelIds: snapshot.labelIds });
  result.reads += drives.reads;

  // 1. The batch label (and the drivers' labels), so batch issues carry them from the moment they exist.
  let labelId = snapshot.labelIds.get(batchLabel.toLowerCase()) ?? null;
  const missingLabels = [...(labelId ? [] : [batchLabel]), ...drives.missingLabels];
  if (drafts.length && missingLabels.length && (await stillCurrent())) {
    const outcome = await run(
      missingLabels.map((name) =>
        createLabelMutation(snapshot.repositoryId, name, name === batchLabel ? "batch" : ""),
      ),
    );
    missingLabels.forEach((name, i) => {
      const created = (outcome.results[i] as { label?: { id: string } } | null)?.label?.id;
      if (created) drives.labelIds.set(name.toLowerCase(), created);
    });
    labelId = drives.labelIds.get(batchLabel.toLowerCase()) ?? labelId;
  }

  // 2. One batch issue per planned agent (with its driver's label or mention when it is driven).
  const opened = new Map<string, { id: string; number: number }>();
  if (drafts.length && labelId && (await stillCurrent())) {
    const outcome = await run(
      drafts.map((d) =>
        openBatchMutation(
          snapshot.repositoryId,
          { title: d.title, body: drives.created(d).body },
          labelId!,
          userOf(d.meta.agent),
          drives.labelsAtCreation(d),
        ),
      ),
    );
    drafts.forEach((d, i) => {
      const issue = createdIssue<OpenedIssue>(outcome.results[i]);
      if (issue) opened.set(d.meta.id, issue);
    });
  }
  result.opened = [...opened.values()].map((i) => i.number);

  // 3. Assignments and sub-issues, for the new batches and for those an earlier delivery opened.
  const earlierLinks = mine.length
    ? await readBatchLinks(
        rt.octokit,
        mine.map((b) => b.id),
      )
    : null;
  result.reads += earlierLinks?.requests ?? 0;
  const targets: Target[] = [
    ...mine.map((b) => ({
      id: b.id,
      number: b.number,
      meta: b.meta,
      body: b.body,
      links: earlierLinks?.links.get(b.id) ?? null,
    })),
    ...drafts.flatMap((d) => {
      const issue = opened.get(d.meta.id);
      if (!issue) return [];
      const agent = userOf(d.meta.agent) ? [d.meta.agent] : [];
      const created = drives.created(d);
      return [
        {
          id: issue.id,
          number: issue.number,
          meta: created.meta,
          body: created.body,
          links: { assignees: agent, subIssues: new Set<number>() },
        },
      ];
    }),
  ];
  const links = linkMutations(targets, batches, specOf, userOf);
  // The batch data (it needs the issue's number) and any drive recorded since, in the same request.
  const bodies = targets.flatMap((t) => {
    const meta = drives.recorded(t.meta);
    const body = bodyWithData(rt, { number: t.number, body: t.body, meta }, specOf);
    t.meta = meta;
    if (body === t.body) return [];
    t.body = body;
    return [issueBodyMutation(t.id, body, `batch #${t.number}`)];
  });
  if ((links.length || bodies.length) && (await stillCurrent())) await run([...bodies, ...links]);

  // 4. The start signals sent by API (Copilot, workflow dispatch), once the batch issues are complete.
  const fired = (await stillCurrent())
    ? await fireDrives(
        rt,
        targets.map((t) => ({ ...t, decision: drives.decision(t.meta) })),
        snapshot.repositoryId,
      )
    : null;
  if (fired) {
    result.reads += fired.reads;
    result.writes += fired.writes;
    result.failures.push(...fired.failures);
    notes.push(...fired.notes);
  }
  notes.push(...driveNotes(drives, targets));

  // 5. The reply.
  const unassignable = [...new Set(targets.map((t) => t.meta.agent).filter((a) => !userOf(a)))];
  for (const agent of unassignable)
    notes.push(
      `${quietMention(agent)} can't be assigned in this repository (not a collaborator), so their SPECs stay unassigned; their batch issue mentions them instead.`,
    );
  const pending = drafts.filter((d) => !opened.has(d.meta.id)).map((d) => d.meta.agent);
  if (pending.length)
    notes.push(
      `No batch issue could be opened for ${pending.map(quietMention).join(", ")}. Redelivering this command's webhook opens what is missing without opening anything twice.`,
    );
  if (result.failures.length)
    notes.push(
      escapeMentions(
        `GitHub refused ${result.failures.length} write(s): ${result.failures.slice(0, 10).join("; ")}${result.failures.length > 10 ? "; …" : ""}`,
      ),
    );
  const reported: ReportedBatch[] = [
    ...mine.map((b) => ({ title: b.title, meta: b.meta, message: null, number: b.number })),
    ...drafts.map((d) => ({
      title: d.title,
      meta: d.meta,
      message: null,
      number: opened.get(d.meta.id)?.number ?? null,
    })),
  ];
  result.reply = report(reported, notes, pending);
  return result;
}

/** The agent on its batch issue and on each SPEC; each non-shared SPEC a sub-issue. Only what isn't so already. */
function linkMutations(
  targets: readonly Target[],
  batches: readonly BatchIssue[],
  specOf: (number: number) => { id: string; state: string; assignees: string[] } | undefined,
  userOf: (login: string) => string | null,
): Mutation[] {
  const out: Mutation[] = [];
  for (const target of targets) {
    if (!target.links) continue;
    const { agent } = target.meta;
    const userId = userOf(agent);
    if (userId && !target.links.assignees.some((a) => sameLogin(a, agent)))
      out.push(assignMutation(target.id, userId, `assign @${agent} to batch #${target.number}`));
    for (const number of target.meta.specs) {
      const spec = specOf(number);
      if (spec?.state !== "OPEN") continue;
      if (userId && !spec.assignees.some((a) => sameLogin(a, agent)))
        out.push(assignMutation(spec.id, userId, `assign @${agent} to #${number}`));
      if (target.meta.shared.includes(number) || target.links.subIssues.has(number)) continue;
      const fromClosedBatch = batches.some(
        (b) => b.state === "CLOSED" && b.meta.specs.includes(number) && !b.meta.shared.includes(number),
      );
      out.push(
        subIssueMutation(
          target.id,
          spec.id,
          fromClosedBatch,
          `make #${number} a sub-issue of #${target.number}`,
        ),
      );
    }
  }
  return out;
}
