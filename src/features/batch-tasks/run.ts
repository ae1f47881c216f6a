import { type BatchMeta, encodeBatchMeta } from "../../domain/batch.js";
import type { CountableComment } from "../../domain/batch-messages.js";
import type { ReportText } from "../../domain/batch-report.js";
import { type BatchUpdate, updateBatch } from "../../domain/batch-update.js";
import { escapeMentions, quietMention } from "../../domain/mention-escape.js";
import type { RepoRef } from "../../domain/references.js";
import { type BatchSnapshot, type BatchState, mergeSnapshots } from "../../github/batch-progress-reader.js";
import { batchTasksGitHub } from "../../github/batch-tasks-port.js";
import { closeIssueMutation, issueBodyMutation } from "../../github/issue-writer.js";
import { describeFailures, type Mutation } from "../../github/mutations.js";
import type { Lock } from "../../infra/lock.js";
import { ensureLabels } from "../dependencies/run.js";
import type { AppDeps } from "../shared/deps.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

/**
 * The calls the batch-tasks workhorse makes (`src/github/batch-tasks-port.ts`); unit tests fake it in memory.
 * `readShared`, when given, is a read another feature makes anyway (the board and dashboard's progress read, with
 * every batch issue and SPEC): a refresh that needs nothing more takes its batches and SPECs from it.
 */
export type BatchTasksPort = ReturnType<typeof batchTasksGitHub> & {
  readShared?: () => Promise<BatchSnapshot>;
};

/** The port on the runtime's GitHub client; with `shared`, its first read is the shared one. */
export function batchTasksPortOf(rt: Runtime, shared?: SharedBatchRead): BatchTasksPort {
  const port = batchTasksGitHub(rt.octokit, rt.repo);
  return shared ? { ...port, readShared: shared.batches } : port;
}

/**
 * A read another feature makes anyway and shares with the batch issues' refresh (the board and dashboard's progress
 * read): read once, when the refresh asks for it under its lock, then told what the refresh wrote.
 */
export interface SharedBatchRead {
  batches(): Promise<BatchSnapshot>;
  applyBatchWrites(result: RefreshResult): void;
}

/**
 * What follows a refresh (batchbot ignores the events its own writes cause): the agents of completed batches get
 * their next one (`batch.auto-next`), and the board and the dashboard are brought up to date when the refresh
 * changed what they show and the repository has either (`withProgress`).
 */
export async function followRefresh(
  deps: Pick<AppDeps, "follow">,
  rt: Runtime,
  result: RefreshResult,
  withProgress = true,
): Promise<void> {
  const completed = result.completed.map((b) => ({ number: b.number, agent: b.update.meta.agent }));
  if (completed.length) await deps.follow.batchesCompleted(rt, completed);
  if (!withProgress || !result.progressChanged) return;
  if (!rt.config.project && !rt.config.dashboard.enabled) return;
  await deps.follow.progressChanged(rt);
}

/**
 * `refreshBatches`, logged when it wrote or failed, and followed (`followRefresh`). With `shared`, its first read is
 * the shared one, and what it wrote is handed back to it.
 */
export async function refreshAndFollow(
  deps: Pick<AppDeps, "lock" | "follow">,
  rt: Runtime,
  target: BatchTarget,
  options: RefreshOptions,
  withProgress = true,
  shared?: SharedBatchRead,
  port: BatchTasksPort = batchTasksPortOf(rt, shared),
): Promise<RefreshResult> {
  const result = await refreshBatches(rt, deps.lock, target, options, port);
  shared?.applyBatchWrites(result);
  if (result.writes || result.failures.length)
    rt.log[result.failures.length ? "warn" : "info"](
      { target, reads: result.reads, writes: result.writes, failures: result.failures },
      "batch progress",
    );
  await followRefresh(deps, rt, result, withProgress);
  return result;
}

/** User text in batch reports and the knowledge registry mentions and links nobody. */
export const REPORT_TEXT: ReportText = { quote: escapeMentions, name: quietMention };

/** Batch issue bodies are read, changed and written under this lock, so two events never overwrite each other. */
export function batchBodyLockKey(repo: RepoRef): string {
  return `batch-body:${repo.owner}/${repo.repo}`.toLowerCase();
}

/** What an event or command is about: a batch issue (with the SPECs its metadata lists), or SPECs. */
export type BatchTarget =
  | { kind: "batch"; number: number; specs: readonly number[] }
  | { kind: "specs"; numbers: readonly number[] };

/** Whether an open batch is one `target` concerns. */
function concerns(target: BatchTarget, batch: { number: number; meta: BatchMeta }): boolean {
  if (target.kind === "batch") return batch.number === target.number;
  return target.numbers.some((n) => batch.meta.specs.includes(n));
}

export interface BatchContext {
  batch: BatchState;
  snapshot: BatchSnapshot;
}

export interface RefreshOptions {
  /** What a command changes in the metadata of each batch it targets. */
  change?: (meta: BatchMeta, at: BatchContext) => BatchMeta;
  /** A body edit beyond ticking, the report and the metadata (striking released SPECs through). */
  editBody?: (body: string, at: BatchContext) => string;
  /** Writes besides the batch bodies (labels, assignees, sub-issues), from what was read; label ids are in the snapshot. */
  extra?: (at: BatchContext, update: BatchUpdate) => Mutation[];
  /** Labels those writes need: their ids are read, and created when the repository lacks them. */
  labels?: readonly string[];
  /** More SPECs to read along (named by a discovery). */
  specs?: readonly number[];
  /** Read the SPECs' comments too, to recount the SPEC messages (`/batch sync`, the reconcile sweep). */
  specComments?: boolean;
}

export interface RefreshedBatch {
  number: number;
  id: string;
  update: BatchUpdate;
}

export interface RefreshResult extends RequestCount {
  snapshot: BatchSnapshot | null;
  batches: RefreshedBatch[];
  /** Batches this refresh completed and closed: the agent's next batch may open (`batch.auto-next`). */
  completed: RefreshedBatch[];
  /** Whether a write changed what the board and dashboard show (metadata, labels, states), not just the report. */
  progressChanged: boolean;
  failures: string[];
}

/**
 * Brings the open batches that `target` concerns up to date: reads them and their SPECs (one request when the
 * SPEC is a sub-issue of its batch, or for a batch issue), applies the command's change, and writes each body that
 * changed and closes each batch that completed — all in one request, nothing when nothing changed. Steps: read the
 * target → read the SPECs the first read lacked → create missing labels → plan the updates → write them.
 */
export async function refreshBatches(
  rt: Runtime,
  lock: Lock,
  target: BatchTarget,
  options: RefreshOptions = {},
  port: BatchTasksPort = batchTasksPortOf(rt),
): Promise<RefreshResult> {
  return lock.run(batchBodyLockKey(rt.repo), async (fence) => {
    const result = emptyResult();
    const labelNames = [...new Set(options.labels ?? [])];
    const snapshot = await readTarget(port, rt, target, options, labelNames);
    result.snapshot = snapshot;
    result.reads += snapshot.requests;
    const batches = [...snapshot.batches.values()].filter(
      (b) => b.state === "OPEN" && b.meta && concerns(target, { number: b.number, meta: b.meta }),
    );
    if (!batches.length) return result;
    await readMissingSpecs(port, snapshot, batches, result, !!options.specComments);

    const missingLabels = labelNames.filter((n) => !snapshot.labelIds.has(n.toLowerCase()));
    if (missingLabels.length) {
      if (!(await fence.isCurrent())) return lostLock(result);
      await ensureLabels(rt, snapshot.repositoryId, snapshot.labelIds, missingLabels, result, port);
    }
    const mutations = planUpdates(rt, batches, snapshot, options, result);
    if (!mutations.length) return result;
    if (!(await fence.isCurrent())) return lostLock(result);
    await writeUpdates(port, mutations, result);
    return result;
  });
}

function emptyResult(): RefreshResult {
  return {
    reads: 0,
    writes: 0,
    snapshot: null,
    batches: [],
    completed: [],
    progressChanged: false,
    failures: [],
  };
}

/** SPECs the first read couldn't see (shared SPECs without a sub-issue link, links GitHub refused): one more read. */
async function readMissingSpecs(
  port: BatchTasksPort,
  snapshot: BatchSnapshot,
  batches: readonly BatchState[],
  result: RefreshResult,
  specComments: boolean,
): Promise<void> {
  const missing = new Set(batches.flatMap((b) => b.meta!.specs).filter((n) => !snapshot.specs.has(n)));
  if (!missing.size) return;
  const more = await port.readBatchStates({ batches: [], specs: [...missing] }, [], { specComments });
  result.reads += more.requests;
  mergeSnapshots(snapshot, { ...more, requests: 0 });
}

/**
 * Each batch's next body (ticks, report, metadata, the command's change) and whether it completed: the writes, in
 * order (body, close, the command's extra writes last). Records each batch in `result`.
 */
function planUpdates(
  rt: Runtime,
  batches: readonly BatchState[],
  snapshot: BatchSnapshot,
  options: RefreshOptions,
  result: RefreshResult,
): Mutation[] {
  const now = new Date().toISOString();
  const mutations: Mutation[] = [];
  const extra: Mutation[] = [];
  for (const batch of batches) {
    const at: BatchContext = { batch, snapshot };
    const update = updateBatch({
      body: options.editBody ? options.editBody(batch.body, at) : batch.body,
      meta: batch.meta!,
      specs: snapshot.specs,
      config: rt.config,
      now,
      text: REPORT_TEXT,
      ...(options.change ? { change: (meta: BatchMeta) => options.change!(meta, at) } : {}),
      ...(batch.comments ? { batchComments: { comments: batch.comments, botLogin: rt.botLogin } } : {}),
      ...(batch.createdAt
        ? {
            specComments: {
              comments: specCommentsOf(snapshot),
              botLogin: rt.botLogin,
              since: batch.createdAt,
            },
          }
        : {}),
    });
    const refreshed = { number: batch.number, id: batch.id, update };
    result.batches.push(refreshed);
    if (update.body !== batch.body)
      mutations.push(issueBodyMutation(batch.id, update.body, `batch #${batch.number}`));
    if (update.completed) {
      mutations.push(closeIssueMutation(batch.id, "COMPLETED", `batch #${batch.number}`));
      result.completed.push(refreshed);
    }
    if (options.extra) extra.push(...options.extra(at, update));
    if (update.completed || encodeBatchMeta(update.meta) !== encodeBatchMeta(batch.meta!))
      result.progressChanged = true;
  }
  if (extra.length) result.progressChanged = true;
  return [...mutations, ...extra];
}

/** The comments of each SPEC the read brought in full (the sweep's progress read brings them; events' reads don't). */
function specCommentsOf(snapshot: BatchSnapshot): Map<number, CountableComment[]> {
  const comments = new Map<number, CountableComment[]>();
  for (const [n, spec] of snapshot.specs)
    if (spec.comments && !spec.commentsAfter) comments.set(n, spec.comments);
  return comments;
}

/** The planned writes in one request (per 50); a batch whose close GitHub refused is not completed. */
async function writeUpdates(
  port: BatchTasksPort,
  mutations: Mutation[],
  result: RefreshResult,
): Promise<void> {
  const outcome = await port.runMutations(mutations);
  result.writes += outcome.requests;
  if (outcome.failures.length === mutations.length) result.progressChanged = false;
  result.failures.push(...describeFailures(outcome));
  const failedCloses = new Set(
    outcome.failures.filter((f) => f.mutation.field === "closeIssue").map((f) => f.mutation.input.issueId),
  );
  result.completed = result.completed.filter((c) => !failedCloses.has(c.id));
}

function lostLock(result: RefreshResult): RefreshResult {
  result.failures.push("lost the batch lock before writing; nothing more written");
  result.completed = [];
  result.progressChanged = false;
  return result;
}

/**
 * The refresh's first read: the port's shared read when it has one and the refresh needs nothing it lacks (label
 * ids, SPECs beyond the batches', the command's extra writes); else the batch issue with its SPECs, or the SPECs
 * with their parent batches (and every batch issue when some SPEC is not a sub-issue of an open batch listing it).
 */
async function readTarget(
  port: BatchTasksPort,
  rt: Runtime,
  target: BatchTarget,
  options: RefreshOptions,
  labels: readonly string[],
): Promise<BatchSnapshot> {
  const extraSpecs = options.specs ?? [];
  if (port.readShared && !labels.length && !extraSpecs.length && !options.extra) return port.readShared();
  if (target.kind === "batch")
    return port.readBatchStates(
      { batches: [target.number], specs: [...target.specs, ...extraSpecs] },
      labels,
      { specComments: !!options.specComments },
    );
  const snapshot = await port.readSpecBatches(target.numbers, labels);
  const inOpenParent = (number: number) => {
    const spec = snapshot.specs.get(number);
    const parent = spec?.parent != null ? snapshot.batches.get(spec.parent) : undefined;
    return !spec || (parent?.state === "OPEN" && !!parent.meta?.specs.includes(number));
  };
  if (target.numbers.every(inOpenParent)) return snapshot;
  // Not all sub-issues of an open batch that lists them (shared SPECs, or links missing): find their batches.
  const open = await port.readBatches(rt.config.labels.batch);
  snapshot.requests += open.requests;
  for (const batch of open.batches)
    if (batch.state === "OPEN" && concerns(target, batch) && !snapshot.batches.has(batch.number))
      snapshot.batches.set(batch.number, {
        id: batch.id,
        number: batch.number,
        state: batch.state,
        body: batch.body,
        labels: [],
        meta: batch.meta,
        subIssues: new Set(),
      });
  return snapshot;
}
