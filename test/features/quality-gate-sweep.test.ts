import { describe, expect, it } from "vitest";
import type { IssueRecord } from "../../src/domain/spec.js";
import {
  afterGuard,
  guardMissedCloses,
  MISSED_CLOSE_LOOKBACK_MS,
  missedCloses,
} from "../../src/features/quality-gate/missed-closes.js";
import { inReviewCandidates, repairInReview } from "../../src/features/quality-gate/stale-in-review.js";
import type { RegistrySnapshot } from "../../src/github/registry-reader.js";
import {
  command,
  described,
  fakeGatePort,
  pullRequest,
  snapshot,
  spec,
  unitRuntime,
} from "../helpers/fake-gate-port.js";

const rt = unitRuntime();
const NOW = Date.parse("2026-11-30T12:00:00Z");
const HOUR = 60 * 60 * 1000;

function issue(number: number, over: Partial<IssueRecord> = {}): IssueRecord {
  return {
    id: `I_${number}`,
    databaseId: number,
    number,
    title: `SPEC ${number}`,
    body: "",
    state: "OPEN",
    stateReason: null,
    labels: ["spec", "ready"],
    assignees: [],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    closedAt: null,
    ...over,
  };
}

const closed = (number: number, over: Partial<IssueRecord> = {}) =>
  issue(number, {
    state: "CLOSED",
    stateReason: "COMPLETED",
    closedAt: new Date(NOW - HOUR).toISOString(),
    ...over,
  });

describe("missedCloses (from the registry, no request)", () => {
  it("finds only a recent close as completed that batchbot never handled (its readiness label is still on)", () => {
    const issues = [
      closed(1), // closed an hour ago, still labelled ready: its issues.closed never arrived
      closed(2, { labels: ["spec", "blocked"] }), // the same, blocked
      closed(3, { labels: ["spec"] }), // handled (readiness labels taken off), force-closed, or closed before batchbot
      closed(4, { stateReason: "NOT_PLANNED" }),
      closed(5, { labels: ["spec", "ready", "validated"] }), // passed the gate
      closed(6, { closedAt: new Date(NOW - MISSED_CLOSE_LOOKBACK_MS - HOUR).toISOString() }), // too long ago
      closed(7, { labels: ["ready"] }), // not a SPEC
      issue(8), // open
    ];
    expect(missedCloses(rt, issues, NOW)).toEqual([1, 2]);
  });
});

describe("guardMissedCloses (what the close guard would have done, in-memory port)", () => {
  it("reopens a SPEC closed before B1 and B2, with the closer named in its note; one read for all", async () => {
    const one = spec(1, { state: "CLOSED", stateReason: "COMPLETED", closedBy: "agent" });
    const two = spec(2, {
      state: "CLOSED",
      stateReason: "COMPLETED",
      closedBy: "agent",
      commands: [command("alice", "b1"), command("bob", "b2")],
    });
    const { port, mutations, reads } = fakeGatePort({ specs: () => snapshot([one, two]) });
    const report = await guardMissedCloses(rt, [1, 2], port);
    expect(reads).toEqual(["SPECs #1 #2"]);
    expect(report.reopened).toEqual([1]);
    expect(described(mutations)).toEqual(["#1: reopen", "#1: comment", "#2: add validated"]);
    expect(String(mutations[1]!.input.body)).toContain("@agent closed this SPEC as completed");
  });

  it("leaves batchbot's own close (a forced close) and a SPEC reopened since alone", async () => {
    const forced = spec(1, { state: "CLOSED", stateReason: "COMPLETED", closedBy: "batchbot" });
    const reopened = spec(2, { state: "OPEN", closedBy: "agent" });
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([forced, reopened]) });
    const report = await guardMissedCloses(rt, [1, 2], port);
    expect(report.reopened).toEqual([]);
    expect(mutations).toEqual([]);
  });

  it("hands on the registry as a fresh read would show it: the reopened SPEC open, its gate labels written", () => {
    const registry: RegistrySnapshot = {
      repositoryId: "R_1",
      labelIds: new Map(),
      issues: [closed(1, { labels: ["spec", "ready", "in-review"] }), closed(2)],
      openDashboards: 0,
      requests: 1,
    };
    const report = {
      ...{ reads: 1, writes: 1, checkWritten: false, progress: null, specs: [1], failures: [] },
      labelChanges: [{ number: 1, change: { add: [], remove: ["in-review"] } }],
      reopened: [1],
      unsettled: [],
    };
    const after = afterGuard(registry, report);
    expect(after.issues[0]).toMatchObject({ state: "OPEN", closedAt: null, labels: ["spec", "ready"] });
    expect(after.issues[1]).toBe(registry.issues[1]);
  });
});

describe("stale in-review (in-memory port)", () => {
  it("candidates: open SPECs labelled in review that no evaluated open pull request closes", () => {
    const issues = [
      issue(1, { labels: ["spec", "ready", "in-review"] }),
      issue(2, { labels: ["spec", "ready", "in-review"] }),
      issue(3, { labels: ["spec", "ready"] }),
      closed(4, { labels: ["spec", "in-review"] }),
    ];
    expect(inReviewCandidates(rt, issues, new Set([2]))).toEqual([1]);
  });

  it("takes in-review off a SPEC a pull request mentioned but no longer closes, and names that pull request", async () => {
    const edited = pullRequest(20, {}, []);
    const one = spec(1, { labels: ["spec", "in-review"], mentionedBy: [edited] });
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([one]) });
    const { report, pullRequests } = await repairInReview(rt, [1], port);
    expect(described(mutations)).toEqual(["#1: remove in-review"]);
    expect(pullRequests.map((p) => p.number)).toEqual([20]);
    expect(report).toMatchObject({ reads: 1, writes: 1 });
  });

  it("keeps the label a person put on a SPEC no pull request ever referenced", async () => {
    const byHand = spec(1, { labels: ["spec", "in-review"] });
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([byHand]) });
    const { report, pullRequests } = await repairInReview(rt, [1], port);
    expect(mutations).toEqual([]);
    expect(pullRequests).toEqual([]);
    expect(report).toMatchObject({ reads: 1, writes: 0, labelChanges: [] });
  });
});
