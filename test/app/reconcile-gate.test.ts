import { afterEach, describe, expect, it } from "vitest";
import { GATE_CHECK } from "../../src/domain/quality-gate-report.js";
import { failAfter } from "../helpers/faults.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { ranJob } from "../helpers/job-outcome.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

type Last = "pull_request_review" | "pull_request.synchronize" | "check_run" | "status";

/** A SPEC (#1), its pull request (#10), and everything up to the last delivery, which is dropped when `drop`. */
async function run(last: Last, drop: boolean) {
  h?.fake.uninstall();
  h = createHarness();
  const repo = h.fake.repo(R);
  for (const login of ["alice", "bob", "agent"]) repo.collaborators.set(login, "write");
  const e2e = last === "status" ? "ci/e2e" : "e2e";
  repo.files.set(".github/batch.yml", `validation:\n  e2e-check: ${e2e}\n`);
  h.fake.addIssue(R, { number: 1, title: "Schema", labels: ["spec"], assignees: ["agent"] });
  h.fake.addIssue(R, { number: 2, title: "Other", labels: ["spec"] });
  h.fake.addPullRequest(R, { number: 10, author: "agent", body: "Closes #1", headSha: "head-1" });
  h.fake.addPullRequest(R, { number: 11, author: "agent", body: "No SPEC here", headSha: "other" });
  await h.receive("pull_request", h.pullRequestEvent(R, 10, "opened"));
  await h.receive("pull_request_review", h.reviewEvent(R, 10, "alice", "APPROVED"));
  const deliveries: Record<Last, () => Promise<void>> = {
    pull_request_review: async () => {
      const passed = h.fake.addCheckRun(R, { name: e2e, headSha: "head-1", conclusion: "success" });
      await h.receive("check_run", h.checkRunEvent(R, passed));
      const event = h.reviewEvent(R, 10, "bob", "APPROVED");
      if (!drop) await h.receive("pull_request_review", event);
    },
    "pull_request.synchronize": async () => {
      h.fake.push(R, 10, "head-2");
      const event = h.pullRequestEvent(R, 10, "synchronize");
      if (!drop) await h.receive("pull_request", event);
    },
    check_run: async () => {
      await h.receive("pull_request_review", h.reviewEvent(R, 10, "bob", "APPROVED"));
      const passed = h.fake.addCheckRun(R, { name: e2e, headSha: "head-1", conclusion: "success" });
      const event = h.checkRunEvent(R, passed);
      if (!drop) await h.receive("check_run", event);
    },
    status: async () => {
      await h.receive("pull_request_review", h.reviewEvent(R, 10, "bob", "APPROVED"));
      const event = h.statusEvent(R, "head-1", e2e, "success");
      if (!drop) await h.receive("status", event);
    },
  };
  // Readiness labels settled first, so what differs afterwards is the gate's alone.
  ranJob(await h.jobs.reconcile());
  await deliveries[last]();
  expect(h.fake.unhandled).toEqual([]);
}

/** The gate's check run on the pull request's head, and the SPECs' labels. */
function state() {
  const head = h.fake.issue(R, 10).pullRequest!.headSha;
  const runs = h.fake.repo(R).checkRuns.filter((r) => r.name === GATE_CHECK && r.headSha === head);
  const check = runs.map((r) => ({
    status: r.status,
    conclusion: r.conclusion,
    title: r.output.title,
    summary: r.output.summary,
  }));
  return { check, labels: [1, 2].map((n) => [...h.fake.issue(R, n).labels].sort()) };
}

describe("the sweep repairs the quality gate", () => {
  it.each<Last>(["pull_request_review", "pull_request.synchronize", "check_run", "status"])(
    "a dropped %s delivery: one sweep leaves the check run and labels as if none was",
    async (last) => {
      await run(last, false);
      const expected = state();
      h.fake.reset();
      const clean = ranJob(await h.jobs.reconcile());
      // Nothing dropped: the sweep (open pull requests, so the gate's read runs) writes nothing.
      expect(clean.repositories).toMatchObject([{ outcome: "clean", writes: 0, repairs: {} }]);
      expect(h.fake.writes).toBe(0);
      expect(h.fake.requests.map((r) => r.operation)).toContain("BatchbotOpenPullRequests");
      // The gate's part: one list of open pull requests, one gate read for #10; #11 (it closes nothing) costs none.
      const repoReads = h.fake.requests.filter(
        (r) => !r.path.startsWith("/app/") && !r.path.startsWith("/installation/"),
      );
      expect(repoReads.map((r) => r.operation ?? `${r.method} ${r.path}`)).toEqual([
        "GET /repos/acme/specs/contents/.github%2Fbatch.yml",
        "BatchbotRegistry",
        "BatchbotOpenPullRequests",
        "BatchbotGatePullRequest",
        "BatchbotBatches",
      ]);

      await run(last, true);
      const dropped = state();
      expect(dropped, "the drop left something wrong (the test can fail)").not.toEqual(expected);
      const report = ranJob(await h.jobs.reconcile());
      expect(state()).toEqual(expected);
      expect(report.repositories[0]!.outcome).toBe("repaired");
      expect(Object.keys(report.repositories[0]!.repairs).some((k) => k.startsWith("gate_"))).toBe(true);
      expect(await h.metrics.count("reconcileRepairs")).toBeGreaterThan(0);
      // A second sweep finds nothing left.
      expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
    },
  );

  it("/batch sync repairs the same and says so in its reply", async () => {
    await run("pull_request_review", true);
    await h.receive("issue_comment", h.commentEvent(R, 2, "alice", "/batch sync"));
    const reply = h.fake.botComments(R, 2).at(-1)!.body;
    expect(reply).toContain("- Quality gate (1 open pull request): check run rewritten on #10");
    expect(reply).toContain("gate labels of #1 corrected");
    expect(state().check).toMatchObject([{ status: "completed", conclusion: "success" }]);
  });

  it("costs no read in a repository without open pull requests", async () => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, title: "Schema", labels: ["spec"] });
    ranJob(await h.jobs.reconcile());
    h.fake.reset();
    ranJob(await h.jobs.reconcile());
    const operations = h.fake.requests.map((r) => r.operation ?? "");
    expect(operations).toContain("BatchbotRegistry");
    expect(operations).not.toContain("BatchbotOpenPullRequests");
  });
});

describe("the sweep and closed SPECs", () => {
  const now = () => new Date().toISOString();

  it("reopens a SPEC whose close the gate never saw, as the close guard would, and says so in /batch sync", async () => {
    h = createHarness();
    h.fake.repo(R).collaborators.set("lead", "maintain");
    h.fake.addIssue(R, { number: 1, title: "Schema", labels: ["spec"], assignees: ["agent"] });
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    const one = h.fake.issue(R, 1);
    expect(one.labels).toContain("ready");
    Object.assign(one, { state: "CLOSED", stateReason: "COMPLETED", closedAt: now(), closedBy: "agent" });
    h.drop("issues", h.issueEvent(R, 1, "closed", { sender: "agent" }));

    await h.receive("issue_comment", h.commentEvent(R, 1, "lead", "/batch sync"));
    expect(one).toMatchObject({ state: "OPEN", stateReason: "REOPENED" });
    expect(one.labels).toContain("ready");
    const [note, reply] = h.fake.botComments(R, 1).map((c) => c.body);
    expect(note).toContain("@agent closed this SPEC as completed before B1 and B2 validated it");
    expect(reply).toContain("- Closed SPECs: #1 reopened (closed before B1 and B2 validated)");
    // The readiness labels were judged on the SPEC reopened: nothing for them to do.
    expect(reply).toContain("- Labels: all right");
  });

  it.each([
    ["fails once", false],
    ["lands with its answer lost", true],
  ])("a reopen that %s is finished by the next sweep, with one note", async (_name, applied) => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, title: "Schema", labels: ["spec"], assignees: ["agent"] });
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    const one = h.fake.issue(R, 1);
    Object.assign(one, { state: "CLOSED", stateReason: "COMPLETED", closedAt: now(), closedBy: "agent" });
    h.drop("issues", h.issueEvent(R, 1, "closed", { sender: "agent" }));

    const fault = failAfter(h.fake, { match: (r) => r.operation === "BatchbotWrites", after: 0, applied });
    const first = ranJob(await h.jobs.reconcile());
    expect(fault.failed()).toBe(1);
    expect(first.repositories[0]!.outcome).toBe("failed");
    expect(one.state).toBe(applied ? "OPEN" : "CLOSED");

    ranJob(await h.jobs.reconcile());
    expect(one).toMatchObject({ state: "OPEN", stateReason: "REOPENED" });
    expect(one.labels).toContain("ready");
    const notes = h.fake.botComments(R, 1).filter((c) => c.body.includes("before B1 and B2 validated it"));
    expect(notes).toHaveLength(1);
    h.fake.reset();
    expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
  });

  it("leaves closed what the gate would have left closed, and a person's in-review label alone", async () => {
    h = createHarness();
    const repo = h.fake.repo(R);
    repo.collaborators.set("lead", "maintain");
    const closed = { state: "CLOSED" as const, closedAt: now(), closedBy: "lead" };
    // Closed long before batchbot came (never labelled ready or blocked).
    h.fake.addIssue(R, { number: 1, labels: ["spec"], ...closed, stateReason: "COMPLETED" });
    h.fake.issue(R, 1).closedAt = "2024-01-01T00:00:00Z";
    // Closes whose deliveries were lost: as not planned, and after passing the gate.
    h.fake.addIssue(R, { number: 2, labels: ["spec", "ready"], ...closed, stateReason: "NOT_PLANNED" });
    h.fake.addIssue(R, {
      number: 3,
      labels: ["spec", "ready", "validated"],
      ...closed,
      stateReason: "COMPLETED",
    });
    // Closed past the gate by a maintainer's /batch close --force.
    h.fake.addIssue(R, { number: 4, labels: ["spec"] });
    await h.receive("issues", h.issueEvent(R, 4, "opened"));
    await h.receive("issue_comment", h.commentEvent(R, 4, "lead", "/batch close --force validated offline"));
    expect(h.fake.issue(R, 4).state).toBe("CLOSED");
    // Put in review by hand, without a pull request.
    h.fake.addIssue(R, { number: 5, labels: ["spec", "ready", "in-review"] });

    h.fake.reset();
    const report = ranJob(await h.jobs.reconcile());
    expect([1, 2, 3, 4].map((n) => h.fake.issue(R, n).state)).toEqual([
      "CLOSED",
      "CLOSED",
      "CLOSED",
      "CLOSED",
    ]);
    expect(h.fake.issue(R, 5).labels).toContain("in-review");
    // Only #2's and #3's readiness labels come off; no close is judged, and #5 costs one gate read.
    expect(report.repositories[0]!.repairs).toEqual({ labels: 2 });
    expect(h.fake.requests.filter((r) => r.operation === "BatchbotGateSpecs")).toHaveLength(1);

    h.fake.reset();
    expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
  });
});
