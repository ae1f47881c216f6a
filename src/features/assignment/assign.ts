import { type ReportedBatch, renderAssignmentReply } from "../../domain/assignment-report.js";
import type { BatchIssue } from "../../domain/batch.js";
import { type BatchDraft, batchId, draftBatches } from "../../domain/batch-message.js";
import { sameLogin } from "../../domain/login.js";
import { escapeMentions, quietMention } from "../../domain/mention-escape.js";
import {
  type Leftover,
  type Plan,
  type PlanAgent,
  type PlanOptions,
  planBatches,
} from "../../domain/planner.js";
import { type OpenedIssue, openBatchMutation } from "../../github/batch-writer.js";
import { createdIssue, createLabelMutation, issueBodyMutation } from "../../github/issue-writer.js";
import { type Mutation, type MutationOutcome, recordWrites } from "../../github/mutations.js";
import type { Fence } from "../../infra/lock.js";
import { driveNotes, type PreparedDrives, prepareDrives } from "../agent-drivers/assignment.js";
import { fireDrives } from "../agent-drivers/fire.js";
import { bodyWithData } from "../agent-drivers/handoff.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { type AssignmentInputs, queryRegistry, specOf } from "./assignment-inputs.js";
import { decodeRecord, encodeRecord } from "./assignment-record.js";
import { existingTargets, type LinkTarget, linkMutations, type UserOf } from "./batch-links.js";
import { type AssignmentPort, assignmentPortOf } from "./port.js";

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
  /** Whether something is left to finish: a batch GitHub didn't open, a write it refused. */
  unfinished: boolean;
}

/** Who the command plans for: every requested agent, with capacity 0 for those it owes nothing any more. */
interface Owed {
  /** The batches this command opened before (a redelivery, or the same command given again). */
  mine: BatchIssue[];
  agents: PlanAgent[];
}

/**
 * `/batch assign`, as the framework's Phase 2: query the registry for unassigned SPECs, group them by domain and
 * dependencies, generate the batch messages, then write and track them. The command's effect is a desired end state
 * — one batch issue `<comment id>:<agent>` per planned agent, assigned, its SPECs assigned and sub-issues, one reply —
 * and every write step first compares with what GitHub holds, so running the command again (a redelivery, or the
 * same command given again) finishes what is missing and opens nothing twice. Run under the planning lock. Every
 * GitHub call goes through `port` (default: the port on `rt.octokit`).
 */
export async function runAssignment(
  rt: Runtime,
  request: AssignmentRequest,
  fence: Fence | null,
  port: AssignmentPort = assignmentPortOf(rt),
): Promise<AssignmentResult> {
  const result: AssignmentResult = {
    reply: "",
    reads: 0,
    writes: 0,
    opened: [],
    leftovers: [],
    failures: [],
    unfinished: false,
  };
  const inputs = await queryRegistry(rt, port, result);
  const owed = await owedAgents(port, request, inputs.batches, result);
  const plan = groupSpecs(inputs, owed, request.options);
  result.leftovers = ownLeftovers(plan, owed);
  const drafts = generateMessages(rt, inputs, plan, request);
  const reply = (batches: ReportedBatch[], notes: string[]) =>
    renderAssignmentReply({
      repo: rt.repo,
      dryRun: request.dryRun,
      batches,
      leftovers: result.leftovers,
      idle: idleAgents(owed, plan),
      notes,
      domain: request.options.domain,
    });
  if (request.dryRun) {
    result.reply = reply(
      drafts.map((d) => ({ ...d, number: null })),
      [],
    );
    return result;
  }
  const tracked = await writeAndTrack(rt, port, { inputs, owed, drafts }, fence, result);
  const pending = drafts.filter((d) => !tracked.opened.has(d.meta.id)).map((d) => d.meta.agent);
  result.unfinished = pending.length > 0 || result.failures.length > 0;
  const record = encodeRecord({
    agents: request.agents.map((a) => a.login),
    size: request.options.size.max,
    domain: request.options.domain,
    pending,
    unfinished: result.unfinished,
  });
  const notes = [...tracked.notes, ...failureNotes(pending, result.failures)];
  result.reply = `${record}\n\n${reply(reportedBatches(owed.mine, drafts, tracked.opened), notes)}`;
  return result;
}

/**
 * The agents this command still owes a batch: those without a batch `<comment id>:<agent>`, and — once the command
 * was answered — only those its reply says it still owed. An agent that got a batch from a later command is owed
 * nothing any more. Agents owed nothing keep their domains (capacity 0), so the leftovers read as they did.
 */
async function owedAgents(
  port: AssignmentPort,
  request: AssignmentRequest,
  batches: readonly BatchIssue[],
  count: RequestCount,
): Promise<Owed> {
  const mine = batches.filter((b) => b.meta.id === batchId(request.sourceCommentId, b.meta.agent));
  let pending: string[] | null = null;
  if (!request.dryRun) {
    const replies = await port.readReplies(request.issueNumber);
    const earlier = replies.find((r) => r.to === request.sourceCommentId);
    count.reads++;
    if (earlier) pending = decodeRecord(earlier.body)?.pending ?? [];
  }
  const later = (login: string) =>
    request.sourceCommentId > 0 &&
    batches.some((b) => b.meta.sourceCommentId > request.sourceCommentId && sameLogin(b.meta.agent, login));
  const owes = (agent: PlanAgent) =>
    !mine.some((b) => sameLogin(b.meta.agent, agent.login)) &&
    (pending === null || pending.some((p) => sameLogin(p, agent.login))) &&
    !later(agent.login);
  return { mine, agents: request.agents.map((a) => (owes(a) ? a : { ...a, capacity: 0 })) };
}

/** Phase 2, step 2: group the unassigned SPECs by domain and dependencies into one batch per owed agent. */
function groupSpecs(inputs: AssignmentInputs, owed: Owed, options: PlanOptions): Plan {
  return planBatches({
    registry: inputs.registry,
    status: inputs.status,
    active: inputs.batches.filter((b) => b.state === "OPEN"),
    agents: owed.agents,
    options,
  });
}

/** The leftovers, less the SPECs this command's own earlier batches hold. */
function ownLeftovers(plan: Plan, owed: Owed): Leftover[] {
  const own = new Set(owed.mine.map((b) => b.number));
  return plan.leftovers.filter((l) => !(l.reason === "in-batch" && l.batch && own.has(l.batch.number)));
}

/** Phase 2, step 3: generate each batch's message from the template. */
function generateMessages(
  rt: Runtime,
  inputs: AssignmentInputs,
  plan: Plan,
  request: AssignmentRequest,
): BatchDraft[] {
  return draftBatches(plan, {
    config: rt.config,
    registry: inputs.registry,
    batches: inputs.batches,
    template: request.template,
    sourceCommentId: request.sourceCommentId,
    createdAt: new Date().toISOString(),
    knowledge: inputs.knowledge,
  });
}

function idleAgents(owed: Owed, plan: Plan): string[] {
  return owed.agents
    .filter((a) => a.capacity !== 0 && !plan.batches.some((b) => sameLogin(b.agent, a.login)))
    .map((a) => a.login);
}

interface Tracked {
  /** Batch issues opened by this run, by batch id. */
  opened: Map<string, OpenedIssue>;
  notes: string[];
}

/**
 * Phase 2, step 4: write and track. The batch label (and the drivers' labels), one batch issue per draft, then the
 * links and batch data of every batch of this command (new, or opened by an earlier run), then the drivers' start
 * signals — each step writing only what GitHub doesn't hold yet, and only while this command holds the planning lock.
 */
async function writeAndTrack(
  rt: Runtime,
  port: AssignmentPort,
  work: { inputs: AssignmentInputs; owed: Owed; drafts: BatchDraft[] },
  fence: Fence | null,
  result: AssignmentResult,
): Promise<Tracked> {
  const { inputs, owed, drafts } = work;
  const notes: string[] = [];
  const current = currentCheck(fence, notes);
  const run: Run = async (mutations) => {
    const outcome = await port.runMutations(mutations);
    recordWrites(result, outcome);
    return outcome;
  };
  const involved = [...owed.mine.map((b) => b.meta.agent), ...drafts.map((d) => d.meta.agent)];
  const userOf = await assignableAgents(port, involved, result);
  // The agents' drivers: which batches get a start signal (decided before anything is opened).
  const drives = await prepareDrives(rt, port.drivers, {
    drafts,
    mine: owed.mine,
    batches: inputs.batches,
    specOf: specOf(inputs),
    labelIds: inputs.snapshot.labelIds,
  });
  result.reads += drives.reads;
  const labelId = drafts.length ? await ensureLabels(rt, inputs, drives, current, run) : null;
  const opened = labelId
    ? await openBatchIssues(inputs, { drafts, drives, labelId, userOf }, current, run)
    : new Map<string, OpenedIssue>();
  result.opened = [...opened.values()].map((i) => i.number);
  const targets = [
    ...(await existingTargets(port, owed.mine, result)),
    ...openedTargets(drafts, opened, drives, userOf),
  ];
  const writes = [
    ...dataWrites(rt, inputs, targets, drives),
    ...linkMutations(targets, inputs.batches, inputs.registry, userOf),
  ];
  if (writes.length && (await current())) await run(writes);
  await fire(rt, port, { inputs, targets, drives }, current, result, notes);
  for (const agent of new Set(targets.map((t) => t.meta.agent).filter((a) => !userOf(a))))
    notes.push(
      `${quietMention(agent)} can't be assigned in this repository (not a collaborator), so their SPECs stay unassigned; their batch issue mentions them instead.`,
    );
  return { opened, notes };
}

/** Each batch's data (it needs the issue's number) and any drive recorded since: body writes, only where changed. */
function dataWrites(
  rt: Runtime,
  inputs: AssignmentInputs,
  targets: LinkTarget[],
  drives: PreparedDrives,
): Mutation[] {
  return targets.flatMap((t) => {
    const meta = drives.recorded(t.meta);
    const body = bodyWithData(rt, { number: t.number, body: t.body, meta }, specOf(inputs));
    t.meta = meta;
    if (body === t.body) return [];
    t.body = body;
    return [issueBodyMutation(t.id, body, `batch #${t.number}`)];
  });
}

/** The start signals sent by API (Copilot, workflow dispatch), once the batch issues are complete. */
async function fire(
  rt: Runtime,
  port: AssignmentPort,
  work: { inputs: AssignmentInputs; targets: readonly LinkTarget[]; drives: PreparedDrives },
  current: () => Promise<boolean>,
  result: AssignmentResult,
  notes: string[],
): Promise<void> {
  const { inputs, targets, drives } = work;
  if (await current()) {
    const fired = await fireDrives(
      rt,
      targets.map((t) => ({ ...t, decision: drives.decision(t.meta) })),
      inputs.snapshot.repositoryId,
      port.drivers,
    );
    result.reads += fired.reads;
    result.writes += fired.writes;
    result.failures.push(...fired.failures);
    notes.push(...fired.notes);
  }
  notes.push(...driveNotes(drives, targets));
}

/** Whether this command still holds the planning lock; once lost, it writes nothing more (and says so once). */
function currentCheck(fence: Fence | null, notes: string[]): () => Promise<boolean> {
  let current = true;
  return async () => {
    if (current && fence && !(await fence.isCurrent())) {
      current = false;
      notes.push(
        "Another planning command took over this repository before this one finished; it stopped writing.",
      );
    }
    return current;
  };
}

async function assignableAgents(
  port: AssignmentPort,
  logins: string[],
  count: RequestCount,
): Promise<UserOf> {
  if (!logins.length) return () => null;
  const assignable = await port.lookupAssignable(logins);
  count.reads += assignable.requests;
  return (login) => assignable.users.get(login.toLowerCase()) ?? null;
}

type Run = (mutations: Mutation[]) => Promise<MutationOutcome>;

/**
 * The batch label and the drivers' labels, created when the repository lacks them, so batch issues carry them from
 * the moment they exist. Returns the batch label's id (null when it could not be created).
 */
async function ensureLabels(
  rt: Runtime,
  inputs: AssignmentInputs,
  drives: PreparedDrives,
  current: () => Promise<boolean>,
  run: Run,
): Promise<string | null> {
  const name = rt.config.labels.batch;
  const known = inputs.snapshot.labelIds.get(name.toLowerCase()) ?? null;
  const missing = [...(known ? [] : [name]), ...drives.missingLabels];
  if (!missing.length || !(await current())) return known;
  const outcome = await run(
    missing.map((label) =>
      createLabelMutation(inputs.snapshot.repositoryId, label, label === name ? "batch" : ""),
    ),
  );
  missing.forEach((label, i) => {
    const created = (outcome.results[i] as { label?: { id: string } } | null)?.label?.id;
    if (created) drives.labelIds.set(label.toLowerCase(), created);
  });
  return drives.labelIds.get(name.toLowerCase()) ?? known;
}

/** One batch issue per draft, opened with its labels and, when GitHub can assign them, its agent. */
async function openBatchIssues(
  inputs: AssignmentInputs,
  work: { drafts: readonly BatchDraft[]; drives: PreparedDrives; labelId: string; userOf: UserOf },
  current: () => Promise<boolean>,
  run: Run,
): Promise<Map<string, OpenedIssue>> {
  const { drafts, drives, labelId, userOf } = work;
  const opened = new Map<string, OpenedIssue>();
  if (!drafts.length || !(await current())) return opened;
  const outcome = await run(
    drafts.map((d) =>
      openBatchMutation(
        inputs.snapshot.repositoryId,
        { title: d.title, body: drives.created(d).body },
        labelId,
        userOf(d.meta.agent),
        drives.labelsAtCreation(d),
      ),
    ),
  );
  drafts.forEach((d, i) => {
    const issue = createdIssue<OpenedIssue>(outcome.results[i]);
    if (issue) opened.set(d.meta.id, issue);
  });
  return opened;
}

/** The batches just opened, as link targets: assigned at creation when GitHub could, with no sub-issues yet. */
function openedTargets(
  drafts: readonly BatchDraft[],
  opened: Map<string, OpenedIssue>,
  drives: PreparedDrives,
  userOf: UserOf,
): LinkTarget[] {
  return drafts.flatMap((d) => {
    const issue = opened.get(d.meta.id);
    if (!issue) return [];
    const created = drives.created(d);
    const assignees = userOf(d.meta.agent) ? [d.meta.agent] : [];
    return [
      {
        id: issue.id,
        number: issue.number,
        meta: created.meta,
        body: created.body,
        links: { assignees, subIssues: new Set<number>() },
      },
    ];
  });
}

function failureNotes(pending: readonly string[], failures: readonly string[]): string[] {
  const notes: string[] = [];
  if (pending.length)
    notes.push(
      `No batch issue could be opened for ${pending.map(quietMention).join(", ")}. Redelivering this command's webhook, or giving the same command again here, opens what is missing without opening anything twice.`,
    );
  if (failures.length)
    notes.push(
      escapeMentions(
        `GitHub refused ${failures.length} write(s): ${failures.slice(0, 10).join("; ")}${failures.length > 10 ? "; …" : ""}. Redelivering this command's webhook, or giving the same command again here, finishes them.`,
      ),
    );
  return notes;
}

function reportedBatches(
  mine: readonly BatchIssue[],
  drafts: readonly BatchDraft[],
  opened: Map<string, OpenedIssue>,
): ReportedBatch[] {
  return [
    ...mine.map((b) => ({ title: b.title, meta: b.meta, message: null, number: b.number })),
    ...drafts.map((d) => ({
      title: d.title,
      meta: d.meta,
      message: null,
      number: opened.get(d.meta.id)?.number ?? null,
    })),
  ];
}
