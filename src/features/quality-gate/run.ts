import { parseClosingReferences } from "../../domain/closing-references.js";
import { sameLogin } from "../../domain/login.js";
import { decodeMetadata } from "../../domain/metadata.js";
import {
  type Eligibility,
  evaluateGate,
  type GateResult,
  type GateSpec,
  gateLabelChange,
  gateRules,
  type PullRequestGate,
  type SpecGateState,
  specGateState,
} from "../../domain/quality-gate.js";
import {
  FORCED_CLOSE_METADATA,
  type ForcedClose,
  GATE_CHECK,
  renderForcedClose,
  renderGateCheck,
  renderGateMissing,
} from "../../domain/quality-gate-report.js";
import type { LabelChange } from "../../domain/readiness.js";
import { isNoChange } from "../../domain/readiness.js";
import type { RepoRef } from "../../domain/references.js";
import { sameRepo } from "../../domain/references.js";
import { hasLabel, type IssueRecord } from "../../domain/spec.js";
import { parseSticky, withSection } from "../../domain/sticky.js";
import { closeIssueMutation, reopenIssueMutation, stickyMutation } from "../../github/issue-writer.js";
import { type Mutation, type MutationOutcome, recordWrites } from "../../github/mutations.js";
import { qualityGateGitHub } from "../../github/quality-gate-port.js";
import type {
  GateReadContext,
  GateSnapshot,
  ProgressPresence,
  PullRequestView,
  SpecView,
} from "../../github/quality-gate-reader.js";
import type { Candidate, EventCache } from "../../github/validators.js";
import { type IssueChange, labelWrites, type SyncReport, syncAfterChange } from "../dependencies/run.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

/** The sticky comment section saying what a reopened SPEC still misses. */
/** A pull request's gate is evaluated under this lock, so concurrent events and the sweep don't race on its check run. */
export function gateLockKey(repo: RepoRef, pullRequest: number): string {
  return `gate:${repo.owner}/${repo.repo}#${pullRequest}`.toLowerCase();
}

export const GATE_SECTION = "quality-gate";
/** The sticky comment section recording a forced close. */
export const FORCED_CLOSE_SECTION = "forced-close";

/** The calls the quality gate workhorse makes (`src/github/quality-gate-port.ts`); unit tests fake it in memory. */
export type QualityGatePort = ReturnType<typeof qualityGateGitHub>;

/** The port on the runtime's GitHub client. */
export function portOf(rt: Runtime): QualityGatePort {
  return qualityGateGitHub(readContext(rt), rt.config);
}

export interface GateReport extends RequestCount {
  /** Whether the check run was created or changed. */
  checkWritten: boolean;
  /** Batches and dashboards in the repository, as the gate's read counted them (`null`: not read). */
  progress: ProgressPresence | null;
  labelChanges: Array<{ number: number; change: LabelChange }>;
  /** The SPECs evaluated (their gate labels are right now, or were written). */
  specs: number[];
  failures: string[];
}

/** One SPEC evaluated on each of its pull requests and on its own commands. */
export interface SpecEvaluation {
  spec: SpecView;
  pullRequests: PullRequestGate[];
  byCommands: GateResult;
  state: SpecGateState;
}

/** A report of nothing read or written yet. */
export function emptyReport(): GateReport {
  return {
    reads: 0,
    writes: 0,
    checkWritten: false,
    progress: null,
    labelChanges: [],
    specs: [],
    failures: [],
  };
}

function readContext(rt: Runtime): GateReadContext {
  const l = rt.config.labels;
  return {
    octokit: rt.octokit,
    repo: rt.repo,
    hosts: rt.hosts,
    botLogin: rt.botLogin,
    labels: {
      inReview: l["in-review"],
      changesRequested: l["changes-requested"],
      validated: l.validated,
      batch: l.batch,
      dashboard: l.dashboard,
    },
  };
}

function gateSpec(spec: SpecView): GateSpec {
  return { number: spec.number, title: spec.title, assignees: spec.assignees, commands: spec.commands };
}

function isSpecView(rt: Runtime, spec: SpecView): boolean {
  return hasLabel(spec.labels, rt.config.labels.spec);
}

/** Everyone whose word could count: review authors (GitHub says whether they can push) and command authors. */
function candidatesOf(specs: readonly SpecView[], extra: readonly PullRequestView[]): Candidate[] {
  const out: Candidate[] = [];
  for (const spec of specs) {
    for (const c of spec.commands) out.push({ login: c.author });
    for (const pr of [...spec.pullRequests, ...extra])
      for (const r of pr.gate.reviews)
        if (r.state === "APPROVED" || r.state === "CHANGES_REQUESTED")
          out.push({ login: r.author, canPush: pr.pushers.has(r.author.toLowerCase()) });
  }
  return out;
}

async function eligibilityOf(
  port: QualityGatePort,
  specs: readonly SpecView[],
  extra: readonly PullRequestView[],
  cache: EventCache,
  report: GateReport,
): Promise<Eligibility> {
  const before = cache.requests;
  const eligibility = await port.eligibility(candidatesOf(specs, extra), cache);
  report.reads += cache.requests - before;
  return eligibility;
}

/**
 * A SPEC's gate on each of its pull requests. `current` is the freshly read pull request that triggered the
 * evaluation: it counts for the SPEC exactly when it closes it now, whatever GitHub's (slower) links still say.
 */
function evaluateSpec(
  rt: Runtime,
  spec: SpecView,
  eligibility: Eligibility,
  current?: PullRequestView,
): SpecEvaluation {
  const rules = gateRules(rt.config);
  const isSelf = (login: string) => sameLogin(login, rt.botLogin);
  const views = spec.pullRequests.filter((p) => p.gate.number !== current?.gate.number);
  if (current?.closing.includes(spec.number)) views.push(current);
  const input = { spec: gateSpec(spec), eligibility, rules, isSelf };
  const pullRequests = views
    .sort((a, b) => a.gate.number - b.gate.number)
    .map((view) => ({ pullRequest: view.gate, result: evaluateGate({ ...input, pullRequest: view.gate }) }));
  const byCommands = evaluateGate({ ...input, pullRequest: null });
  return { spec, pullRequests, byCommands, state: specGateState(pullRequests, byCommands) };
}

/** The write that removes a reopened SPEC's "what is missing" note once it no longer applies. */
function clearGateNote(spec: SpecView): Mutation[] {
  if (!spec.sticky || parseSticky(spec.sticky.body)[GATE_SECTION] === undefined) return [];
  const next = withSection(spec.sticky.body, GATE_SECTION, null);
  const mutation = stickyMutation(spec.id, spec.sticky, next, `#${spec.number}`);
  return mutation ? [mutation] : [];
}

/** Label writes, and notes that no longer apply cleared, in one request. */
export async function writeSpecChanges(
  rt: Runtime,
  port: QualityGatePort,
  snapshot: GateSnapshot,
  evaluations: readonly SpecEvaluation[],
  extra: Mutation[],
  report: GateReport,
): Promise<MutationOutcome | null> {
  const plans = evaluations
    .map((e) => ({ spec: e.spec, change: gateLabelChange(e.spec.labels, e.state, rt.config) }))
    .filter((p) => !isNoChange(p.change));
  const mutations = [...extra, ...(await labelWrites(rt, snapshot, plans, report, port))];
  for (const { spec, state } of evaluations) {
    report.specs.push(spec.number);
    if (state.validated) mutations.push(...clearGateNote(spec));
  }
  if (mutations.length === 0) return null;
  const outcome = await port.runMutations(mutations);
  recordWrites(report, outcome);
  return outcome;
}

/** SPEC numbers of this repository that pull request bodies close. */
function closedNumbers(rt: Runtime, bodies: ReadonlyArray<string | null | undefined>): number[] {
  const numbers = bodies.flatMap((body) =>
    parseClosingReferences(body, rt.repo, rt.hosts)
      .filter((ref) => sameRepo(ref, rt.repo))
      .map((ref) => ref.number),
  );
  return [...new Set(numbers)];
}

/** The pull request's check run: a row per SPEC it closes now; written only when it differs. */
async function writeCheckRun(
  rt: Runtime,
  port: QualityGatePort,
  pr: PullRequestView,
  evaluations: readonly SpecEvaluation[],
  report: GateReport,
): Promise<void> {
  const number = pr.gate.number;
  const entries = evaluations
    .filter((e) => pr.closing.includes(e.spec.number))
    .sort((a, b) => a.spec.number - b.spec.number)
    .map((e) => ({
      spec: gateSpec(e.spec),
      result: e.pullRequests.find((p) => p.pullRequest.number === number)!.result,
    }));
  const output = renderGateCheck(entries, rt.config);
  const written = await port.upsertCheckRun(
    { name: GATE_CHECK, headSha: pr.gate.headSha, ...output },
    pr.gateRun,
  );
  report.reads += written.requests - (written.wrote ? 1 : 0);
  report.writes += written.wrote ? 1 : 0;
  report.checkWritten = written.wrote;
}

/**
 * Evaluates one pull request: its check run (when open) and the gate labels of every SPEC it closes or, per
 * `bodies` (the description as the webhook sent it, and before an edit), closed until now. One GraphQL read,
 * membership reads the cache doesn't hold, at most one check-run write, and label writes only when labels change.
 */
export async function evaluatePullRequest(
  rt: Runtime,
  number: number,
  bodies: ReadonlyArray<string | null | undefined>,
  cache: EventCache,
  port: QualityGatePort = portOf(rt),
): Promise<GateReport> {
  const report = emptyReport();
  const snapshot = await port.readPullRequest(
    number,
    closedNumbers(rt, bodies),
    gateRules(rt.config).e2eCheck,
  );
  report.reads += snapshot.requests;
  report.progress = snapshot.progress;
  const pr = snapshot.pullRequest!;
  const specs = [...snapshot.specs.values()].filter((s) => isSpecView(rt, s));
  const eligibility = await eligibilityOf(port, specs, [pr], cache, report);
  const evaluations = specs.map((spec) => evaluateSpec(rt, spec, eligibility, pr));
  if (pr.gate.state === "OPEN") await writeCheckRun(rt, port, pr, evaluations, report);
  await writeSpecChanges(rt, port, snapshot, evaluations, [], report);
  return report;
}

/** SPECs without an open pull request, evaluated on what they hold (their closed pull requests, commands). */
export async function evaluateSpecs(
  rt: Runtime,
  snapshot: GateSnapshot,
  specs: readonly SpecView[],
  cache: EventCache,
  port: QualityGatePort = portOf(rt),
): Promise<GateReport> {
  const report = emptyReport();
  report.progress = snapshot.progress;
  const eligibility = await eligibilityOf(port, specs, [], cache, report);
  const evaluations = specs.map((spec) => evaluateSpec(rt, spec, eligibility));
  await writeSpecChanges(rt, port, snapshot, evaluations, [], report);
  return report;
}

/** Adds one report's counts and changes to another. */
export function addReport(total: GateReport, report: GateReport): void {
  total.reads += report.reads;
  total.writes += report.writes;
  total.checkWritten ||= report.checkWritten;
  total.progress = report.progress ?? total.progress;
  total.labelChanges.push(...report.labelChanges);
  total.specs.push(...report.specs);
  total.failures.push(...report.failures);
}

/**
 * Re-evaluates a SPEC after a validator's command: every open pull request that closes it (their check runs show
 * the new word), or the SPEC's labels alone when none is open.
 */
export async function reevaluateSpec(
  rt: Runtime,
  snapshot: GateSnapshot,
  spec: SpecView,
  cache: EventCache,
  port: QualityGatePort = portOf(rt),
): Promise<GateReport> {
  const open = spec.pullRequests.filter((p) => p.gate.state === "OPEN");
  if (open.length === 0) return evaluateSpecs(rt, snapshot, [spec], cache, port);
  const total = emptyReport();
  for (const pr of open)
    addReport(total, await evaluatePullRequest(rt, pr.gate.number, [pr.body], cache, port));
  return total;
}

export function readSpec(
  rt: Runtime,
  number: number,
  port: QualityGatePort = portOf(rt),
): Promise<GateSnapshot> {
  return port.readSpecs([number], gateRules(rt.config).e2eCheck);
}

/**
 * Decides a SPEC's close as completed: allowed when a merged pull request that closes it passed the gate or B1
 * and B2 approved it by command; otherwise batchbot reopens it and says what is missing in its sticky comment.
 * Returns whether the close stands. Redeliveries and stale events decide on the SPEC as it is now.
 */
export async function guardSpecClose(
  rt: Runtime,
  number: number,
  closedBy: string,
  cache: EventCache,
  port: QualityGatePort = portOf(rt),
): Promise<{ allowed: boolean; report: GateReport }> {
  const snapshot = await readSpec(rt, number, port);
  const decided = await decideClose(rt, snapshot, number, closedBy, cache, port);
  decided.report.reads += snapshot.requests;
  return decided;
}

/** The close guard on a SPEC already read (`snapshot`): what `guardSpecClose` decides and writes. */
export async function decideClose(
  rt: Runtime,
  snapshot: GateSnapshot,
  number: number,
  closedBy: string,
  cache: EventCache,
  port: QualityGatePort = portOf(rt),
): Promise<{ allowed: boolean; report: GateReport }> {
  const report = emptyReport();
  report.progress = snapshot.progress;
  const spec = snapshot.specs.get(number);
  if (!spec || !isSpecView(rt, spec)) return { allowed: true, report };
  if (spec.state === "OPEN") return { allowed: false, report };
  if (spec.stateReason === "NOT_PLANNED" || spec.stateReason === "DUPLICATE")
    return { allowed: true, report };
  const eligibility = await eligibilityOf(port, [spec], [], cache, report);
  const evaluation = evaluateSpec(rt, spec, eligibility);
  if (evaluation.state.closable) {
    await writeSpecChanges(rt, port, snapshot, [evaluation], clearGateNote(spec), report);
    return { allowed: true, report };
  }
  const missing = renderGateMissing(
    gateSpec(spec),
    closedBy,
    evaluation.pullRequests,
    evaluation.byCommands,
    rt.config,
  );
  const extra = [reopenIssueMutation(spec.id, `#${number}`)];
  const next = withSection(spec.sticky?.body, GATE_SECTION, missing);
  const sticky = stickyMutation(spec.id, spec.sticky, next, `#${number}`);
  if (sticky) extra.push(sticky);
  const outcome = await writeSpecChanges(rt, port, snapshot, [evaluation], extra, report);
  // A reopen GitHub refuses for good (no permission) leaves the close standing for everything else too. One that
  // failed on the way leaves the close not allowed: nothing acts on it (its readiness label stays), and the next
  // sweep finds it and judges it again.
  const refused = outcome?.failures.some((f) => f.mutation === extra[0] && !f.passing) ?? false;
  return { allowed: refused, report };
}

export interface ForceCloseRequest {
  number: number;
  issueId: string;
  labels: string[];
  by: string;
  reason: string;
  commentId: number;
  at: string;
}

/** The dependencies' sync after batchbot closed a SPEC itself (its own close event is ignored). */
export type SyncClosed = (change: IssueChange) => Promise<Pick<SyncReport, "reads" | "writes" | "failures">>;

/** The issue a forced close leaves: only its number, SPEC label and state matter to the sync, which reads the rest. */
function closedRecord(request: ForceCloseRequest): IssueRecord {
  return {
    id: request.issueId,
    databaseId: null,
    number: request.number,
    title: "",
    body: "",
    state: "CLOSED",
    stateReason: "COMPLETED",
    labels: request.labels,
    assignees: [],
    createdAt: request.at,
    updatedAt: request.at,
    closedAt: request.at,
  };
}

/**
 * Closes a SPEC as completed past the gate and records who did it and why in its sticky comment (batchbot's own
 * comment: unlike the issue body, nobody else can edit it). batchbot ignores its own close event, so the SPECs
 * waiting on this one are brought up to date here (`syncClosed`).
 */
export async function forceCloseSpec(
  rt: Runtime,
  request: ForceCloseRequest,
  port: QualityGatePort = portOf(rt),
  syncClosed: SyncClosed = (change) => syncAfterChange(rt, change),
): Promise<RequestCount & { failures: string[] }> {
  const report = { reads: 0, writes: 0, failures: [] as string[] };
  const { stickies, requests } = await port.readStickies([request.number]);
  report.reads += requests;
  const target = stickies.get(request.number);
  if (!target) return report;
  const recorded = decodeMetadata<ForcedClose>(target.comment?.body, FORCED_CLOSE_METADATA);
  if (recorded?.comment === request.commentId) return report;
  const record: ForcedClose = {
    by: request.by,
    reason: request.reason,
    at: request.at,
    comment: request.commentId,
  };
  const body = withSection(
    withSection(target.comment?.body, GATE_SECTION, null),
    FORCED_CLOSE_SECTION,
    renderForcedClose(record),
  );
  const mutations = [closeIssueMutation(request.issueId, "COMPLETED", `#${request.number}`)];
  const sticky = stickyMutation(target.subjectId, target.comment, body, `#${request.number}`);
  if (sticky) mutations.push(sticky);
  const outcome = await port.runMutations(mutations);
  recordWrites(report, outcome);
  if (outcome.failures.length) return report;
  const current = closedRecord(request);
  const sync = await syncClosed({ current, previous: "unknown", removed: false, mirror: false });
  report.reads += sync.reads;
  report.writes += sync.writes;
  report.failures.push(...sync.failures);
  return report;
}
