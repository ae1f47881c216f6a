import { describe, expect, it } from "vitest";
import { defaultConfig, parseConfig } from "../../src/domain/config.js";
import {
  type Eligibility,
  evaluateGate,
  type GatePullRequest,
  type GateResult,
  type GateReview,
  type GateRules,
  gateLabelChange,
  gateRules,
  type SpecGateState,
  specGateState,
} from "../../src/domain/quality-gate.js";
import { renderGateCheck, renderGateMissing } from "../../src/domain/quality-gate-report.js";
import type { Stage, StageCommand } from "../../src/domain/stage-commands.js";

const BOTH = new Set<Stage>(["b1", "b2"]);
const B1 = new Set<Stage>(["b1"]);
const B2 = new Set<Stage>(["b2"]);

/** Everyone but `outsider` validates both stages unless the case says otherwise. */
const DEFAULT_ELIGIBILITY: Eligibility = new Map([
  ["alice", BOTH],
  ["bob", BOTH],
  ["carol", BOTH],
  ["agent", BOTH],
  ["author", BOTH],
]);

const RULES: GateRules = { distinct: true, dismissStale: true, e2eCheck: null };

let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1) + ++clock * 60_000).toISOString();

function review(author: string, state: GateReview["state"], commit = "head", tree?: string): GateReview {
  return { author, state, commit, tree: tree ?? `tree-${commit}`, submittedAt: at() };
}

function command(author: string, stage: Stage, verdict: "approve" | "reject", reason = ""): StageCommand {
  return { author, stage, verdict, reason, at: at() };
}

function pr(reviews: GateReview[], extra: Partial<GatePullRequest> = {}): GatePullRequest {
  return {
    number: 10,
    author: "author",
    state: "OPEN",
    isDraft: false,
    headSha: "head",
    headTree: "tree-head",
    reviews,
    e2e: "missing",
    ...extra,
  };
}

interface Case {
  name: string;
  reviews?: () => GateReview[];
  commands?: () => StageCommand[];
  noPullRequest?: boolean;
  pullRequest?: Partial<GatePullRequest>;
  eligibility?: Eligibility;
  rules?: Partial<GateRules>;
  assignees?: string[];
  expect: {
    b1: string;
    b2: string;
    outcome: GateResult["outcome"];
    e2e?: GateResult["e2e"];
    ignored?: string[];
  };
}

function describeStage(result: GateResult, stage: Stage): string {
  const s = result.stages[stage];
  if (s.kind === "approved") return `approved:${s.by}${s.via === "command" ? ":command" : ""}`;
  if (s.kind === "waiting") return "waiting";
  return `changes:${s.by.map((b) => b.login + (b.reason ? `(${b.reason})` : "")).join(",")}`;
}

const cases: Case[] = [
  { name: "nothing yet", expect: { b1: "waiting", b2: "waiting", outcome: "pending" } },
  {
    name: "one approval fills B1 only",
    reviews: () => [review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending" },
  },
  {
    name: "two validators pass the gate",
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "the pull request author's approval never counts",
    reviews: () => [review("author", "APPROVED"), review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending", ignored: ["author:author"] },
  },
  {
    name: "the SPEC's assignee can't validate it",
    assignees: ["agent"],
    reviews: () => [review("agent", "APPROVED"), review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending", ignored: ["agent:assignee"] },
  },
  {
    name: "the app's own approval never counts",
    eligibility: new Map([...DEFAULT_ELIGIBILITY, ["batchbot", BOTH]]),
    reviews: () => [review("batchbot", "APPROVED"), review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending", ignored: ["batchbot:app"] },
  },
  {
    name: "someone outside both stages doesn't count",
    reviews: () => [review("outsider", "APPROVED"), review("alice", "APPROVED")],
    expect: {
      b1: "approved:alice",
      b2: "waiting",
      outcome: "pending",
      ignored: ["outsider:not-a-validator"],
    },
  },
  {
    name: "a later changes request voids the approval and fails the gate",
    reviews: () => [
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
      review("bob", "CHANGES_REQUESTED"),
    ],
    expect: { b1: "changes:bob", b2: "changes:bob", outcome: "failed" },
  },
  {
    name: "a dismissed approval no longer counts",
    reviews: () => [review("alice", "APPROVED"), review("bob", "DISMISSED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending" },
  },
  {
    name: "a dismissed changes request lifts the block",
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED"), review("carol", "DISMISSED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "a comment after an approval changes nothing",
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED"), review("bob", "COMMENTED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "a later approval lifts the reviewer's own changes request",
    reviews: () => [
      review("alice", "CHANGES_REQUESTED"),
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
    ],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "with dismiss-stale, an approval of an older commit doesn't count",
    reviews: () => [review("alice", "APPROVED", "old"), review("bob", "APPROVED")],
    expect: { b1: "approved:bob", b2: "waiting", outcome: "pending", ignored: ["alice:stale"] },
  },
  {
    name: "without dismiss-stale, an approval of an older commit counts",
    rules: { dismissStale: false },
    reviews: () => [review("alice", "APPROVED", "old"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "an approval of an older commit with the same content (tree) still counts",
    reviews: () => [review("alice", "APPROVED", "old", "tree-head"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed" },
  },
  {
    name: "a changes request on an older commit still blocks",
    reviews: () => [
      review("carol", "CHANGES_REQUESTED", "old"),
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
    ],
    expect: { b1: "changes:carol", b2: "changes:carol", outcome: "failed" },
  },
  {
    name: "with distinct, one person in both stages fills only one",
    eligibility: new Map([["alice", BOTH]]),
    reviews: () => [review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "waiting", outcome: "pending" },
  },
  {
    name: "without distinct, one person in both stages fills both",
    rules: { distinct: false },
    eligibility: new Map([["alice", BOTH]]),
    reviews: () => [review("alice", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:alice", outcome: "passed" },
  },
  {
    name: "stage lists decide which stage an approval fills",
    eligibility: new Map([
      ["alice", B2],
      ["bob", B1],
    ]),
    reviews: () => [review("alice", "APPROVED")],
    expect: { b1: "waiting", b2: "approved:alice", outcome: "pending" },
  },
  {
    name: "approvers are matched to stages so both fill when they can",
    eligibility: new Map([
      ["alice", BOTH],
      ["bob", B1],
    ]),
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED")],
    expect: { b1: "approved:bob", b2: "approved:alice", outcome: "passed" },
  },
  {
    name: "a B2-only validator's changes request blocks B2 only",
    eligibility: new Map([
      ["alice", B1],
      ["bob", B2],
      ["carol", B2],
    ]),
    reviews: () => [
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
      review("carol", "CHANGES_REQUESTED"),
    ],
    expect: { b1: "approved:alice", b2: "changes:carol", outcome: "failed" },
  },
  {
    name: "commands alone validate a SPEC without a pull request",
    noPullRequest: true,
    commands: () => [command("alice", "b1", "approve"), command("bob", "b2", "approve")],
    expect: {
      b1: "approved:alice:command",
      b2: "approved:bob:command",
      outcome: "passed",
      e2e: "not-required",
    },
  },
  {
    name: "a command names its stage",
    noPullRequest: true,
    commands: () => [command("alice", "b2", "approve")],
    expect: { b1: "waiting", b2: "approved:alice:command", outcome: "pending" },
  },
  {
    name: "a rejection by command fails the gate with its reason",
    noPullRequest: true,
    commands: () => [command("alice", "b1", "approve"), command("bob", "b2", "reject", "no tests")],
    expect: { b1: "approved:alice:command", b2: "changes:bob(no tests)", outcome: "failed" },
  },
  {
    name: "the latest command of a validator wins",
    noPullRequest: true,
    commands: () => [
      command("bob", "b2", "reject", "no tests"),
      command("alice", "b1", "approve"),
      command("bob", "b2", "approve"),
    ],
    expect: { b1: "approved:alice:command", b2: "approved:bob:command", outcome: "passed" },
  },
  {
    name: "a review after a rejection command wins, and the other way round",
    reviews: () => [],
    commands: () => [command("alice", "b1", "reject", "broken")],
    expect: { b1: "changes:alice(broken)", b2: "waiting", outcome: "failed" },
  },
  {
    name: "the SPEC's assignee can't approve it by command",
    noPullRequest: true,
    assignees: ["agent"],
    commands: () => [command("agent", "b1", "approve"), command("alice", "b2", "approve")],
    expect: { b1: "waiting", b2: "approved:alice:command", outcome: "pending", ignored: ["agent:assignee"] },
  },
  {
    name: "a command for a stage the person isn't in doesn't count",
    noPullRequest: true,
    eligibility: new Map([["alice", B1]]),
    commands: () => [command("alice", "b2", "approve")],
    expect: { b1: "waiting", b2: "waiting", outcome: "pending", ignored: ["alice:not-a-validator"] },
  },
  {
    name: "with distinct, one person can't approve both stages by command",
    noPullRequest: true,
    commands: () => [command("alice", "b1", "approve"), command("alice", "b2", "approve")],
    expect: { b1: "approved:alice:command", b2: "waiting", outcome: "pending", ignored: ["alice:distinct"] },
  },
  {
    name: "a review and a command by two people pass together",
    reviews: () => [review("alice", "APPROVED")],
    commands: () => [command("bob", "b2", "approve")],
    expect: { b1: "approved:alice", b2: "approved:bob:command", outcome: "passed" },
  },
  {
    name: "a required E2E check that hasn't run keeps the gate pending",
    rules: { e2eCheck: "e2e" },
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "pending", e2e: "missing" },
  },
  {
    name: "a failed E2E check fails the gate",
    rules: { e2eCheck: "e2e" },
    pullRequest: { e2e: "failed" },
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "failed", e2e: "failed" },
  },
  {
    name: "a passed E2E check and two approvals pass the gate",
    rules: { e2eCheck: "e2e" },
    pullRequest: { e2e: "passed" },
    reviews: () => [review("alice", "APPROVED"), review("bob", "APPROVED")],
    expect: { b1: "approved:alice", b2: "approved:bob", outcome: "passed", e2e: "passed" },
  },
  {
    name: "without a pull request there is no E2E check to require",
    rules: { e2eCheck: "e2e" },
    noPullRequest: true,
    commands: () => [command("alice", "b1", "approve"), command("bob", "b2", "approve")],
    expect: {
      b1: "approved:alice:command",
      b2: "approved:bob:command",
      outcome: "passed",
      e2e: "not-required",
    },
  },
];

describe("evaluateGate", () => {
  it.each(cases)("$name", (c) => {
    const result = evaluateGate({
      spec: { number: 1, title: "SPEC", assignees: c.assignees ?? [], commands: c.commands?.() ?? [] },
      pullRequest: c.noPullRequest ? null : pr(c.reviews?.() ?? [], c.pullRequest),
      eligibility: c.eligibility ?? DEFAULT_ELIGIBILITY,
      rules: { ...RULES, ...c.rules },
      isSelf: (login) => login === "batchbot",
    });
    expect(describeStage(result, "b1")).toBe(c.expect.b1);
    expect(describeStage(result, "b2")).toBe(c.expect.b2);
    expect(result.outcome).toBe(c.expect.outcome);
    if (c.expect.e2e) expect(result.e2e).toBe(c.expect.e2e);
    if (c.expect.ignored)
      expect(result.ignored.map((i) => `${i.login}:${i.reason}`)).toEqual(c.expect.ignored);
  });

  it("takes the latest word across reviews and commands by time", () => {
    const spec = {
      number: 1,
      title: "SPEC",
      assignees: [],
      commands: [command("alice", "b1", "reject", "broken")],
    };
    const later = pr([review("alice", "APPROVED"), review("bob", "APPROVED")]);
    const input = { eligibility: DEFAULT_ELIGIBILITY, rules: RULES, isSelf: () => false };
    expect(evaluateGate({ ...input, spec, pullRequest: later }).outcome).toBe("passed");
    const earlier = pr([review("alice", "APPROVED"), review("bob", "APPROVED")]);
    const rejectedAfter = { ...spec, commands: [command("alice", "b1", "reject", "broken")] };
    expect(evaluateGate({ ...input, spec: rejectedAfter, pullRequest: earlier }).outcome).toBe("failed");
  });
});

describe("gateRules", () => {
  it("defaults to distinct validators and stale approvals dismissed", () => {
    expect(gateRules(defaultConfig())).toEqual({ distinct: true, dismissStale: true, e2eCheck: null });
  });
  it("reads the validation section", () => {
    const parsed = parseConfig({
      validation: { b1: ["alice"], distinct: false, "dismiss-stale": false, "e2e-check": "e2e" },
    });
    if (!parsed.ok) throw new Error("invalid");
    expect(gateRules(parsed.config)).toEqual({ distinct: false, dismissStale: false, e2eCheck: "e2e" });
  });
});

const passed: GateResult = {
  stages: {
    b1: { kind: "approved", by: "alice", via: "review" },
    b2: { kind: "approved", by: "bob", via: "review" },
  },
  e2e: "not-required",
  outcome: "passed",
  ignored: [],
};
const pending: GateResult = {
  ...passed,
  stages: { ...passed.stages, b2: { kind: "waiting" } },
  outcome: "pending",
};
const changes: GateResult = {
  ...passed,
  stages: {
    ...passed.stages,
    b2: { kind: "changes-requested", by: [{ login: "bob", via: "review", reason: "" }] },
  },
  outcome: "failed",
};
const e2eFailed: GateResult = { ...passed, e2e: "failed", outcome: "failed" };

describe("specGateState", () => {
  const gate = (state: GatePullRequest["state"], result: GateResult, isDraft = false) => ({
    pullRequest: pr([], { state, isDraft }),
    result,
  });
  const cases: Array<{
    name: string;
    prs: ReturnType<typeof gate>[];
    commands?: GateResult;
    expect: SpecGateState;
  }> = [
    {
      name: "no pull request, nothing approved",
      prs: [],
      expect: { validated: false, changesRequested: false, inReview: false, closable: false },
    },
    {
      name: "an open pull request under review",
      prs: [gate("OPEN", pending)],
      expect: { validated: false, changesRequested: false, inReview: true, closable: false },
    },
    {
      name: "a draft is not in review",
      prs: [gate("OPEN", pending, true)],
      expect: { validated: false, changesRequested: false, inReview: false, closable: false },
    },
    {
      name: "an open pull request that passed validates but doesn't close",
      prs: [gate("OPEN", passed)],
      expect: { validated: true, changesRequested: false, inReview: true, closable: false },
    },
    {
      name: "a merged pull request that passed allows closing",
      prs: [gate("MERGED", passed)],
      expect: { validated: true, changesRequested: false, inReview: false, closable: true },
    },
    {
      name: "a merged pull request that didn't pass doesn't",
      prs: [gate("MERGED", pending)],
      expect: { validated: false, changesRequested: false, inReview: false, closable: false },
    },
    {
      name: "a pull request closed without merging counts for nothing",
      prs: [gate("CLOSED", passed)],
      expect: { validated: false, changesRequested: false, inReview: false, closable: false },
    },
    {
      name: "changes requested on an open pull request",
      prs: [gate("OPEN", changes)],
      expect: { validated: false, changesRequested: true, inReview: true, closable: false },
    },
    {
      name: "a failed E2E check is no changes request",
      prs: [gate("OPEN", e2eFailed)],
      expect: { validated: false, changesRequested: false, inReview: true, closable: false },
    },
    {
      name: "of several pull requests, the merged one counts",
      prs: [gate("CLOSED", changes), gate("MERGED", passed)],
      expect: { validated: true, changesRequested: false, inReview: false, closable: true },
    },
    {
      name: "commands alone allow closing",
      prs: [],
      commands: passed,
      expect: { validated: true, changesRequested: false, inReview: false, closable: true },
    },
    {
      name: "a rejection by command",
      prs: [],
      commands: changes,
      expect: { validated: false, changesRequested: true, inReview: false, closable: false },
    },
  ];
  it.each(cases)("$name", (c) => {
    expect(
      specGateState(
        c.prs,
        c.commands ?? { ...pending, stages: { b1: { kind: "waiting" }, b2: { kind: "waiting" } } },
      ),
    ).toEqual(c.expect);
  });
});

describe("gateLabelChange", () => {
  const config = defaultConfig();
  it.each([
    {
      labels: ["spec"],
      state: { validated: false, changesRequested: false, inReview: true, closable: false },
      expect: { add: ["in-review"], remove: [] },
    },
    {
      labels: ["spec", "in-review", "Changes-Requested"],
      state: { validated: true, changesRequested: false, inReview: true, closable: false },
      expect: { add: ["validated"], remove: ["Changes-Requested"] },
    },
    {
      labels: ["spec", "in-review", "validated"],
      state: { validated: true, changesRequested: false, inReview: true, closable: false },
      expect: { add: [], remove: [] },
    },
  ])("$labels → $expect", ({ labels, state, expect: wanted }) => {
    expect(gateLabelChange(labels, state, config)).toEqual(wanted);
  });
});

describe("renderGateCheck", () => {
  const config = defaultConfig();
  const spec = (number: number) => ({ number, title: `SPEC ${number}`, assignees: [], commands: [] });
  it.each([
    {
      results: [passed],
      status: "completed",
      conclusion: "success",
      title: "SPEC #1 validated by B1 and B2",
    },
    {
      results: [passed, passed, passed],
      status: "completed",
      conclusion: "success",
      title: "All 3 SPECs validated by B1 and B2",
    },
    {
      results: [passed, pending],
      status: "in_progress",
      conclusion: undefined,
      title: "1 of 2 SPECs validated",
    },
    {
      results: [pending, changes],
      status: "completed",
      conclusion: "failure",
      title: "Changes requested on #2",
    },
    { results: [e2eFailed], status: "completed", conclusion: "failure", title: "E2E check failed on #1" },
    { results: [], status: "completed", conclusion: "neutral", title: "No SPEC linked" },
  ])("$title", ({ results, status, conclusion, title }) => {
    const output = renderGateCheck(
      results.map((result, i) => ({ spec: spec(i + 1), result })),
      config,
    );
    expect(output).toMatchObject({ status, title });
    expect(output.conclusion).toBe(conclusion);
  });

  it("shows each SPEC's stages, what didn't count and who validates", () => {
    const result: GateResult = {
      ...pending,
      ignored: [{ login: "dave", reason: "stale", commit: "abcdef123" }],
    };
    const output = renderGateCheck([{ spec: spec(7), result }], config);
    expect(output.summary).toContain("| #7 SPEC 7 | ✅ approved by @alice | ⏳ waiting |");
    expect(output.summary).toContain("@dave approved an older commit (`abcdef1`)");
    expect(output.summary).toContain("any collaborator with write access other than the author");
  });

  it("explains a reopened SPEC's gaps", () => {
    const text = renderGateMissing(
      spec(3),
      "agent",
      [{ pullRequest: pr([], { state: "MERGED" }), result: changes }],
      pending,
      config,
    );
    expect(text).toContain("@agent closed this SPEC as completed before B1 and B2 validated it");
    expect(text).toContain("#10 (merged): B1 ✅ approved by @alice · B2 ❌ changes requested by @bob");
    expect(text).toContain("/batch close --force <reason>");
  });
});
