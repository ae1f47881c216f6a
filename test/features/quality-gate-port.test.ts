import { describe, expect, it } from "vitest";
import { evaluatePullRequest, forceCloseSpec, guardSpecClose } from "../../src/features/quality-gate/run.js";
import { EventCache } from "../../src/github/validators.js";
import {
  command,
  described,
  fakeGatePort,
  pullRequest,
  review,
  snapshot,
  spec,
  unitRuntime,
} from "../helpers/fake-gate-port.js";

const rt = unitRuntime();

/** Pull request #10 closing SPEC #1, with `reviews`, read from the fake port. */
function reviewed(reviews: ReturnType<typeof review>[], over: Parameters<typeof pullRequest>[1] = {}) {
  const pr = pullRequest(10, { reviews, ...over }, [1]);
  const one = spec(1, { pullRequests: [pr] });
  return { pr, one, ...fakeGatePort({ pullRequest: () => snapshot([one], pr) }) };
}

describe("evaluatePullRequest (workhorse, in-memory port)", () => {
  it("approvals by B1 and B2 on the head pass: a successful check run, the SPEC validated and in review", async () => {
    const { port, checks, mutations, reads } = reviewed([
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
    ]);
    const report = await evaluatePullRequest(rt, 10, ["Closes #1"], new EventCache(), port);
    expect(reads).toEqual(["pull request #10"]);
    expect(checks).toMatchObject([
      { name: "batchbot / quality gate", headSha: "head", status: "completed", conclusion: "success" },
    ]);
    expect(described(mutations)).toEqual(["#1: add in-review, validated"]);
    expect(report).toMatchObject({ reads: 1, writes: 2, checkWritten: true, specs: [1], failures: [] });
  });

  it("an approval given before a push that changed the content no longer counts", async () => {
    const { port, checks, mutations } = reviewed(
      [review("alice", "APPROVED", "old", "tree-old"), review("bob", "APPROVED")],
      { headSha: "new", headTree: "tree-new" },
    );
    await evaluatePullRequest(rt, 10, ["Closes #1"], new EventCache(), port);
    expect(checks).toMatchObject([{ headSha: "new", status: "in_progress" }]);
    expect(checks[0]!.summary).toMatch(/alice/);
    expect(described(mutations)).toEqual(["#1: add in-review"]);
  });

  it("a push that kept the tree keeps the approval", async () => {
    const { port, checks } = reviewed(
      [review("alice", "APPROVED", "old", "tree-head"), review("bob", "APPROVED")],
      { headSha: "rebased", headTree: "tree-head" },
    );
    await evaluatePullRequest(rt, 10, ["Closes #1"], new EventCache(), port);
    expect(checks).toMatchObject([{ headSha: "rebased", conclusion: "success" }]);
  });

  it("writes nothing when the check run and the labels already say it", async () => {
    const first = reviewed([review("alice", "APPROVED"), review("bob", "APPROVED")]);
    await evaluatePullRequest(rt, 10, ["Closes #1"], new EventCache(), first.port);
    const written = first.checks[0]!;
    const again = reviewed([review("alice", "APPROVED"), review("bob", "APPROVED")]);
    again.pr.gateRun = {
      id: 1,
      status: written.status,
      conclusion: written.conclusion ?? null,
      title: written.title,
      summary: written.summary,
    };
    again.one.labels.push("in-review", "validated");
    const report = await evaluatePullRequest(rt, 10, ["Closes #1"], new EventCache(), again.port);
    expect(again.checks).toEqual([]);
    expect(again.mutations).toEqual([]);
    expect(report).toMatchObject({ writes: 0, checkWritten: false, labelChanges: [] });
  });
});

describe("guardSpecClose (workhorse, in-memory port)", () => {
  const closed = (over: Parameters<typeof spec>[1] = {}) =>
    spec(1, { state: "CLOSED", stateReason: "COMPLETED", ...over });

  it("a SPEC closed as completed without B1 and B2 is reopened, and its sticky says what is missing", async () => {
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([closed()]) });
    const { allowed, report } = await guardSpecClose(rt, 1, "agent", new EventCache(), port);
    expect(allowed).toBe(false);
    expect(described(mutations)).toEqual(["#1: reopen", "#1: comment"]);
    const note = String(mutations[1]!.input.body);
    expect(note).toContain("@agent closed this SPEC as completed before B1 and B2 validated it");
    expect(report).toMatchObject({ reads: 1, writes: 1, failures: [] });
  });

  it("B1 and B2 approvals by command let the close stand, and the SPEC is labelled validated", async () => {
    const approved = closed({ commands: [command("alice", "b1"), command("bob", "b2")] });
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([approved]) });
    const { allowed } = await guardSpecClose(rt, 1, "agent", new EventCache(), port);
    expect(allowed).toBe(true);
    expect(described(mutations)).toEqual(["#1: add validated"]);
  });

  it("an assignee's own approval doesn't count", async () => {
    const own = closed({ assignees: ["alice"], commands: [command("alice", "b1"), command("bob", "b2")] });
    const { port, mutations } = fakeGatePort({ specs: () => snapshot([own]) });
    expect((await guardSpecClose(rt, 1, "alice", new EventCache(), port)).allowed).toBe(false);
    expect(described(mutations)).toContain("#1: reopen");
  });

  it("a close as not planned stands and writes nothing", async () => {
    const { port, mutations } = fakeGatePort({
      specs: () => snapshot([closed({ stateReason: "NOT_PLANNED" })]),
    });
    expect((await guardSpecClose(rt, 1, "agent", new EventCache(), port)).allowed).toBe(true);
    expect(mutations).toEqual([]);
  });
});

describe("forceCloseSpec (workhorse, in-memory port)", () => {
  it("closes the SPEC, records who and why in its sticky, then lets the dependencies follow", async () => {
    const { port, mutations } = fakeGatePort({});
    const synced: number[] = [];
    const request = {
      number: 1,
      issueId: "I_1",
      labels: ["spec"],
      by: "lead",
      reason: "validated offline",
      commentId: 7,
      at: "2026-11-01T10:00:00Z",
    };
    const report = await forceCloseSpec(rt, request, port, async (change) => {
      synced.push(change.current.number);
      return { reads: 1, writes: 0, failures: [] };
    });
    expect(described(mutations)).toEqual(["#1: close as completed", "#1: comment"]);
    expect(String(mutations[1]!.input.body)).toContain("validated offline");
    expect(synced).toEqual([1]);
    expect(report).toMatchObject({ reads: 2, writes: 1, failures: [] });
  });
});
