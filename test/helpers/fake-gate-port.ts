import type { BatchConfig } from "../../src/domain/config.js";
import type { GateReview } from "../../src/domain/quality-gate.js";
import type { Stage, StageCommand } from "../../src/domain/stage-commands.js";
import type { QualityGatePort } from "../../src/features/quality-gate/run.js";
import type { Runtime } from "../../src/features/shared/runtime.js";
import type { CheckOutput, ExistingCheckRun } from "../../src/github/checks.js";
import type { Mutation } from "../../src/github/mutations.js";
import type { GateSnapshot, PullRequestView, SpecView } from "../../src/github/quality-gate-reader.js";
import { unitRuntime as runtimeWithoutGitHub, testConfig } from "./unit-runtime.js";

/** The gate's configuration in the unit tests: alice validates B1, bob B2. */
export function gateConfig(): BatchConfig {
  return testConfig({ validation: { b1: ["alice"], b2: ["bob"] } });
}

/** A runtime whose GitHub client refuses every call, with the gate's configuration by default. */
export function unitRuntime(config: BatchConfig = gateConfig()): Runtime {
  return runtimeWithoutGitHub(config);
}

export function review(
  author: string,
  state: GateReview["state"],
  commit = "head",
  tree = "tree-head",
): GateReview {
  return { author, state, commit, tree, submittedAt: "2026-11-01T10:00:00Z" };
}

export function command(
  author: string,
  stage: Stage,
  verdict: "approve" | "reject" = "approve",
): StageCommand {
  return { author, stage, verdict, reason: "", at: "2026-11-01T10:00:00Z" };
}

export function pullRequest(
  number: number,
  over: Partial<PullRequestView["gate"]> = {},
  closing: number[] = [],
) {
  const view: PullRequestView = {
    id: `PR_${number}`,
    body: closing.map((n) => `Closes #${n}`).join("\n"),
    gateRun: null,
    closing,
    pushers: new Set(["alice", "bob"]),
    gate: {
      number,
      author: "agent",
      state: "OPEN",
      isDraft: false,
      headSha: "head",
      headTree: "tree-head",
      reviews: [],
      e2e: "missing",
      ...over,
    },
  };
  return view;
}

export function spec(number: number, over: Partial<SpecView> = {}): SpecView {
  return {
    id: `I_${number}`,
    number,
    title: `SPEC ${number}`,
    state: "OPEN",
    stateReason: null,
    labels: ["spec"],
    assignees: ["agent"],
    commands: [],
    pullRequests: [],
    sticky: null,
    mentionedBy: [],
    closedBy: null,
    ...over,
  };
}

export function snapshot(specs: SpecView[], pr: PullRequestView | null = null): GateSnapshot {
  return {
    repositoryId: "R_1",
    labelIds: new Map(["in-review", "changes-requested", "validated"].map((l) => [l, `L_${l}`])),
    progress: { openBatches: 0, openDashboards: 0 },
    pullRequest: pr,
    specs: new Map(specs.map((s) => [s.number, s])),
    requests: 1,
  };
}

/**
 * The quality gate's port in memory: snapshots as given, validators per the configuration's lists, the check run
 * kept (and a same result not written again, as `upsertCheckRun` does), every mutation recorded.
 */
export function fakeGatePort(read: {
  pullRequest?: (number: number) => GateSnapshot;
  specs?: (numbers: readonly number[]) => GateSnapshot;
}) {
  const mutations: Mutation[] = [];
  const checks: CheckOutput[] = [];
  const reads: string[] = [];
  const same = (known: ExistingCheckRun | null, check: CheckOutput) =>
    !!known &&
    known.status === check.status &&
    (known.conclusion ?? undefined) === (check.conclusion ?? undefined) &&
    known.title === check.title &&
    known.summary === check.summary;
  const port: QualityGatePort = {
    readPullRequest: async (number) => {
      reads.push(`pull request #${number}`);
      return read.pullRequest!(number);
    },
    readSpecs: async (numbers) => {
      reads.push(`SPECs ${numbers.map((n) => `#${n}`).join(" ")}`);
      return read.specs!(numbers);
    },
    eligibility: async (candidates) => {
      const validation = gateConfig().validation!;
      const stages = (login: string) =>
        new Set<Stage>((["b1", "b2"] as const).filter((s) => validation[s].includes(login.toLowerCase())));
      return new Map(candidates.map((c) => [c.login.toLowerCase(), stages(c.login)]));
    },
    upsertCheckRun: async (check, known) => {
      if (same(known, check)) return { requests: 0, wrote: false };
      checks.push(check);
      return { requests: 1, wrote: true };
    },
    readStickies: async (numbers) => ({
      stickies: new Map(numbers.map((n) => [n, { subjectId: `I_${n}`, comment: null }])),
      requests: 1,
    }),
    runMutations: async (list) => {
      mutations.push(...list);
      return { results: list.map(() => ({})), failures: [], requests: 1 };
    },
  };
  return { port, mutations, checks, reads };
}

/** What the mutations did, one line each: `#1: add validated`, `#1: reopen`, `#1: comment`. */
export function described(mutations: readonly Mutation[]): string[] {
  return mutations.map((m) => m.describe);
}
