import type { BatchConfig } from "./config.js";
import type { E2eStatus } from "./e2e-status.js";
import type { LabelChange } from "./readiness.js";
import { hasLabel } from "./spec.js";
import { STAGES, type Stage, type StageCommand } from "./stage-commands.js";

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface GateReview {
  author: string;
  state: ReviewState;
  /** The commit the review was given on, and that commit's tree (same tree: same content). */
  commit: string | null;
  tree: string | null;
  submittedAt: string;
}

export interface GatePullRequest {
  number: number;
  author: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  headSha: string;
  headTree: string | null;
  reviews: GateReview[];
  e2e: E2eStatus;
}

export interface GateSpec {
  number: number;
  title: string;
  assignees: string[];
  /** `/batch approve|reject b1|b2` commands from the SPEC's comments. */
  commands: StageCommand[];
}

export interface GateRules {
  distinct: boolean;
  dismissStale: boolean;
  e2eCheck: string | null;
}

/** Which stages each login (lower-cased) may validate, resolved from configuration and GitHub beforehand. */
export type Eligibility = ReadonlyMap<string, ReadonlySet<Stage>>;

export interface GateInput {
  spec: GateSpec;
  /** The pull request being evaluated; `null` for a SPEC validated by commands alone. */
  pullRequest: GatePullRequest | null;
  eligibility: Eligibility;
  rules: GateRules;
  /** The app's own login: its words never count. */
  isSelf: (login: string) => boolean;
}

export type Via = "review" | "command";

export type StageStatus =
  | { kind: "approved"; by: string; via: Via }
  | { kind: "waiting" }
  | { kind: "changes-requested"; by: Array<{ login: string; via: Via; reason: string }> };

export type IgnoredReason = "author" | "assignee" | "app" | "not-a-validator" | "stale" | "distinct";

/** An approval or rejection that doesn't count, and why: shown so nobody wonders where their word went. */
export interface Ignored {
  login: string;
  reason: IgnoredReason;
  stage?: Stage;
  commit?: string | null;
}

export interface GateResult {
  stages: Record<Stage, StageStatus>;
  e2e: E2eStatus | "not-required";
  outcome: "passed" | "failed" | "pending";
  ignored: Ignored[];
}

interface Verdict {
  kind: "approve" | "reject" | "void";
  at: number;
  order: number;
  via: Via;
  reason: string;
  commit: string | null;
  tree: string | null;
}

export function gateRules(config: BatchConfig): GateRules {
  const v = config.validation;
  return {
    distinct: v ? v.distinct : true,
    dismissStale: v ? v["dismiss-stale"] : true,
    e2eCheck: v?.["e2e-check"] ?? null,
  };
}

const lower = (login: string) => login.toLowerCase();

/** A reviewer's latest opinion: a later changes request or dismissal voids an approval, comments change nothing. */
function latestOpinions(reviews: readonly GateReview[]): Map<string, { review: GateReview; order: number }> {
  const out = new Map<string, { review: GateReview; order: number }>();
  reviews.forEach((review, order) => {
    if (review.state === "COMMENTED" || review.state === "PENDING") return;
    const key = lower(review.author);
    const seen = out.get(key);
    const at = Date.parse(review.submittedAt);
    if (
      !seen ||
      at > Date.parse(seen.review.submittedAt) ||
      (at === Date.parse(seen.review.submittedAt) && order > seen.order)
    )
      out.set(key, { review, order });
  });
  return out;
}

function isLater(a: Verdict, b: Verdict | undefined): boolean {
  return !b || a.at > b.at || (a.at === b.at && a.order > b.order);
}

type Verdicts = Map<string, { login: string; byStage: Map<Stage, Verdict> }>;
type Note = (entry: Ignored) => void;

/** Who is excluded from validating (the app, the pull request's author, the SPEC's assignees), and why. */
function exclusionOf(input: GateInput): (login: string) => IgnoredReason | null {
  const { spec, pullRequest: pr, isSelf } = input;
  const assignees = new Set(spec.assignees.map(lower));
  return (login) => {
    if (isSelf(login)) return "app";
    if (pr && lower(login) === lower(pr.author)) return "author";
    if (assignees.has(lower(login))) return "assignee";
    return null;
  };
}

function reviewVerdict(review: GateReview, order: number): Verdict {
  return {
    kind: review.state === "APPROVED" ? "approve" : review.state === "CHANGES_REQUESTED" ? "reject" : "void",
    at: Date.parse(review.submittedAt),
    order,
    via: "review",
    reason: "",
    commit: review.commit,
    tree: review.tree,
  };
}

/** The latest word of each validator for each stage they may validate: reviews, then the SPEC's commands. */
function collectVerdicts(input: GateInput, note: Note): Verdicts {
  const { spec, pullRequest: pr, eligibility } = input;
  const exclusion = exclusionOf(input);
  const verdicts: Verdicts = new Map();
  const record = (login: string, stage: Stage, verdict: Verdict) => {
    const entry = verdicts.get(lower(login)) ?? { login, byStage: new Map<Stage, Verdict>() };
    verdicts.set(lower(login), entry);
    if (isLater(verdict, entry.byStage.get(stage))) entry.byStage.set(stage, verdict);
  };
  for (const { review, order } of pr ? latestOpinions(pr.reviews).values() : []) {
    const counts = review.state !== "DISMISSED";
    const excluded = exclusion(review.author);
    const stages = eligibility.get(lower(review.author));
    if (excluded || !stages?.size) {
      if (counts) note({ login: review.author, reason: excluded ?? "not-a-validator" });
      continue;
    }
    for (const stage of stages) record(review.author, stage, reviewVerdict(review, order));
  }
  spec.commands.forEach((command, order) => {
    const excluded = exclusion(command.author);
    if (excluded || !eligibility.get(lower(command.author))?.has(command.stage)) {
      note({ login: command.author, reason: excluded ?? "not-a-validator", stage: command.stage });
      return;
    }
    record(command.author, command.stage, {
      kind: command.verdict,
      at: Date.parse(command.at),
      order,
      via: "command",
      reason: command.reason,
      commit: null,
      tree: null,
    });
  });
  return verdicts;
}

/** Each stage's standing approvals (oldest first; stale ones noted and dropped) and its changes requests. */
function tally(verdicts: Verdicts, input: GateInput, note: Note) {
  const { pullRequest: pr, rules } = input;
  const approvals: Record<Stage, Array<{ login: string; via: Via; at: number }>> = { b1: [], b2: [] };
  const rejections: Record<Stage, Array<{ login: string; via: Via; reason: string }>> = { b1: [], b2: [] };
  for (const { login, byStage } of verdicts.values()) {
    for (const [stage, verdict] of byStage) {
      if (verdict.kind === "reject")
        rejections[stage].push({ login, via: verdict.via, reason: verdict.reason });
      if (verdict.kind !== "approve") continue;
      if (verdict.via === "review" && pr && rules.dismissStale && isStale(verdict, pr)) {
        note({ login, reason: "stale", commit: verdict.commit });
        continue;
      }
      approvals[stage].push({ login, via: verdict.via, at: verdict.at });
    }
  }
  for (const stage of STAGES) approvals[stage].sort((a, b) => a.at - b.at);
  return { approvals, rejections };
}

/** The B1/B2 gate of one SPEC, on one pull request or (without one) from the SPEC's commands alone. */
export function evaluateGate(input: GateInput): GateResult {
  const { pullRequest: pr, rules } = input;
  const ignored: Ignored[] = [];
  const note: Note = (entry) => {
    if (!ignored.some((i) => i.login === entry.login && i.reason === entry.reason && i.stage === entry.stage))
      ignored.push(entry);
  };
  const { approvals, rejections } = tally(collectVerdicts(input, note), input, note);
  const chosen = chooseApprovers(approvals, rules.distinct);
  const stages = {} as Record<Stage, StageStatus>;
  for (const stage of STAGES) {
    const approver = chosen[stage];
    if (rejections[stage].length) stages[stage] = { kind: "changes-requested", by: rejections[stage] };
    else if (approver) stages[stage] = { kind: "approved", by: approver.login, via: approver.via };
    else {
      stages[stage] = { kind: "waiting" };
      // A review approves whichever stage is open; only an explicit `/batch approve bN` deserves an explanation.
      for (const candidate of approvals[stage])
        if (candidate.via === "command") note({ login: candidate.login, reason: "distinct", stage });
    }
  }
  const e2e = rules.e2eCheck && pr ? pr.e2e : "not-required";
  const failed = STAGES.some((s) => stages[s].kind === "changes-requested") || e2e === "failed";
  const passed =
    STAGES.every((s) => stages[s].kind === "approved") && (e2e === "passed" || e2e === "not-required");
  return { stages, e2e, outcome: failed ? "failed" : passed ? "passed" : "pending", ignored };
}

/** An approval on an older commit, unless that commit has the head's exact content (a rebase that changed nothing). */
function isStale(verdict: Verdict, pr: GatePullRequest): boolean {
  if (verdict.commit === pr.headSha) return false;
  return !(verdict.tree && pr.headTree && verdict.tree === pr.headTree);
}

/** One approver per stage, earliest first; with `distinct`, never the same person for both. */
function chooseApprovers<T extends { login: string }>(
  approvals: Record<Stage, T[]>,
  distinct: boolean,
): Record<Stage, T | undefined> {
  const same = (a: T | undefined, b: T | undefined) => !!a && !!b && lower(a.login) === lower(b.login);
  if (!distinct) return { b1: approvals.b1[0], b2: approvals.b2[0] };
  for (const b1 of approvals.b1) {
    const b2 = approvals.b2.find((candidate) => !same(candidate, b1));
    if (b2) return { b1, b2 };
  }
  const b1 = approvals.b1[0];
  return { b1, b2: b1 ? approvals.b2.find((c) => !same(c, b1)) : approvals.b2[0] };
}

export function hasChangesRequested(result: GateResult): boolean {
  return STAGES.some((s) => result.stages[s].kind === "changes-requested");
}

/** A SPEC across all of its pull requests and its own commands. */
export interface SpecGateState {
  /** Both stages passed: on a merged or open pull request, or by commands. */
  validated: boolean;
  /** A validator asked for changes and nothing validated the SPEC since. */
  changesRequested: boolean;
  /** A linked pull request is open and ready for review. */
  inReview: boolean;
  /** Closing as completed is allowed: a merged linked pull request passed, or commands alone passed. */
  closable: boolean;
}

export interface PullRequestGate {
  pullRequest: GatePullRequest;
  result: GateResult;
}

export function specGateState(
  pullRequests: readonly PullRequestGate[],
  byCommands: GateResult,
): SpecGateState {
  const open = pullRequests.filter((p) => p.pullRequest.state === "OPEN");
  const closable =
    byCommands.outcome === "passed" ||
    pullRequests.some((p) => p.pullRequest.state === "MERGED" && p.result.outcome === "passed");
  const validated = closable || open.some((p) => p.result.outcome === "passed");
  return {
    validated,
    closable,
    changesRequested: !validated && [byCommands, ...open.map((p) => p.result)].some(hasChangesRequested),
    inReview: open.some((p) => !p.pullRequest.isDraft),
  };
}

/** The `in-review`, `changes-requested` and `validated` labels a SPEC should carry for its gate state. */
export function gateLabelChange(
  labels: readonly string[],
  state: SpecGateState,
  config: BatchConfig,
): LabelChange {
  const names = config.labels;
  const wanted: Array<[string, boolean]> = [
    [names["in-review"], state.inReview],
    [names["changes-requested"], state.changesRequested],
    [names.validated, state.validated],
  ];
  const change: LabelChange = { add: [], remove: [] };
  for (const [name, want] of wanted) {
    const has = hasLabel(labels, name);
    if (want && !has) change.add.push(name);
    if (!want && has) change.remove.push(labels.find((l) => l.toLowerCase() === name.toLowerCase())!);
  }
  return change;
}
