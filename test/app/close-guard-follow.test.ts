import { afterEach, describe, expect, it } from "vitest";
import type { FakeProject } from "../helpers/fake-projects.js";
import { BOARD_STATUSES, projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { ranJob } from "../helpers/job-outcome.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

const CONFIG = [
  "agents:",
  "  - login: ui-opus",
  "    domains: [ui]",
  "validation:",
  "  b1: [alice]",
  "  b2: [bob]",
  "project:",
  "  owner: acme",
  "  number: 3",
  "",
].join("\n");

/** Two ui SPECs (#2 depends on #1) in ui-opus's batch, on a board; pull request #20 closes #1, B1 approved it. */
async function planned(): Promise<{ project: FakeProject; board: ReturnType<typeof projectsOf> }> {
  h = createHarness();
  const repo = h.fake.repo(R);
  repo.files.set(".github/batch.yml", CONFIG);
  for (const login of ["lead", "alice", "bob"]) repo.collaborators.set(login, "maintain");
  repo.collaborators.set("ui-opus", "write");
  const board = projectsOf(h.fake);
  const project = board.addProject("acme", {
    number: 3,
    statusOptions: BOARD_STATUSES,
    fields: ["Agent", "Batch", "Domain"].map((name) => ({ name, dataType: "TEXT" })),
  });
  h.fake.addIssue(R, { number: 1, title: "List view", labels: ["spec", "domain:ui"] });
  h.fake.addIssue(R, {
    number: 2,
    title: "Detail view",
    labels: ["spec", "domain:ui"],
    body: "Depends on #1",
  });
  for (const n of [1, 2]) await h.receive("issues", h.issueEvent(R, n, "opened"));
  const planning = h.fake.addIssue(R, { number: 5, title: "Sprint planning" }).number;
  await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
  h.fake.addPullRequest(R, { number: 20, author: "ui-opus", body: "Closes #1", headSha: "ui-head" });
  await h.receive("pull_request", h.pullRequestEvent(R, 20, "opened"));
  await h.receive("pull_request_review", h.reviewEvent(R, 20, "alice", "APPROVED"));
  expect(h.fake.issue(R, 1).labels).toContain("in-review");
  expect(board.value(project, h.fake.issue(R, 1).id, "Status")).toBe("In review");
  expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([{ outcome: "clean" }]);
  return { project, board };
}

/** #20 merged before B2 approved: GitHub closes #1 as completed (as the one who merged). */
function mergeEarly(): void {
  const pr = h.fake.issue(R, 20);
  pr.pullRequest!.merged = true;
  pr.state = "CLOSED";
  const one = h.fake.issue(R, 1);
  Object.assign(one, { state: "CLOSED", stateReason: "COMPLETED", closedAt: new Date().toISOString() });
  one.closedBy = "lead";
}

/** The requests to the repository (installation tokens aside), in order. */
function operations(): string[] {
  return h.fake.requests
    .filter((r) => !r.path.startsWith("/app/"))
    .map((r) => `${r.kind} ${r.operation ?? `${r.method} ${r.path}`}`);
}

/** The batch issue (the one with the batch label), and what the board and the issues show. */
function shown(project: FakeProject, board: ReturnType<typeof projectsOf>) {
  const issues = [...h.fake.repo(R).issues.values()];
  const batch = issues.find((i) => i.labels.includes("batch"))!;
  const cards = [1, 2].map((n) => board.value(project, h.fake.issue(R, n).id, "Status"));
  const specs = [1, 2].map((n) => {
    const i = h.fake.issue(R, n);
    return `#${n} ${i.state} ${[...i.labels].sort().join(" ")}`;
  });
  return { batch: batch.body, cards, specs };
}

describe("the close guard's reopen is followed by batch tasks and the board", () => {
  it.each(["issues.closed first", "pull_request.closed first"])(
    "a SPEC closed before validation (%s): reopened, batch issue and board true, the next sweep clean",
    async (order) => {
      const { project, board } = await planned();
      const before = shown(project, board);
      mergeEarly();
      const closed = h.issueEvent(R, 1, "closed", { sender: "lead" });
      if (order === "pull_request.closed first")
        await h.receive("pull_request", h.pullRequestEvent(R, 20, "closed"));
      h.fake.reset();
      await h.receive("issues", closed);
      // The guard's read and write (reopen, label, note), then the follow: one progress read for the batch issue
      // and the board, and a write for each (before the fix: the first three only, and the sweep repaired the rest).
      expect(operations()).toEqual([
        "read GET /repos/acme/specs/contents/.github%2Fbatch.yml",
        "read BatchbotGateSpecs",
        "write BatchbotWrites",
        "read BatchbotProgress",
        "write BatchbotWrites",
        "write BatchbotWrites",
      ]);
      expect(h.fake.unhandled).toEqual([]);
      // Reopened, out of review (its pull request is merged), still ready: #2 still waits on it.
      const one = h.fake.issue(R, 1);
      expect(one).toMatchObject({ state: "OPEN", stateReason: "REOPENED" });
      expect([...one.labels].sort()).toEqual(["domain:ui", "ready", "spec"]);
      expect(h.fake.issue(R, 2).labels).toContain("blocked");
      const after = shown(project, board);
      // #1 is open and out of review in its batch's task list and report and on the board; #2 as it was.
      expect(before.batch).toContain("| #1 | 🔵 in review |");
      expect(after.cards).toEqual(["In batch", before.cards[1]]);
      expect(after.batch).toMatch(/- \[ \] 1\. #1 List view/);
      expect(after.batch).toContain("| #1 | ⬜ open |");
      expect(after.batch).toContain("**Missing for completion:** #1 (open), #2 (open).");

      // The state shown is what a sweep finds true: it repairs nothing, so no missed-event alarm.
      h.fake.reset();
      const report = ranJob(await h.jobs.reconcile());
      expect(report.repositories).toMatchObject([{ outcome: "clean", writes: 0, repairs: {} }]);
      expect(h.fake.writes).toBe(0);
      expect(await h.metrics.count("reconcileRepairs")).toBe(0);
      expect(shown(project, board)).toEqual(after);

      // A redelivered close: the SPEC is open, nothing is written; the follow's one read checks what it shows.
      h.fake.reset();
      await h.receive("issues", structuredClone(closed));
      expect(h.fake.writes).toBe(0);
      expect(operations()).toEqual([
        "read GET /repos/acme/specs/contents/.github%2Fbatch.yml",
        "read BatchbotGateSpecs",
        "read BatchbotProgress",
      ]);
    },
  );
});

describe("a follow cut short", () => {
  it("the close's redelivery finishes it: batch issue and board true, the sweep clean", async () => {
    const { project, board } = await planned();
    mergeEarly();
    const closed = h.issueEvent(R, 1, "closed", { sender: "lead" });
    h.fake.failNext({
      match: (r) => r.operation === "BatchbotProgress",
      status: 502,
      message: "Bad Gateway",
    });
    await h.receive("issues", closed).catch(() => undefined);
    expect(h.fake.issue(R, 1).state).toBe("OPEN");
    expect(shown(project, board).cards[0]).toBe("In review");
    await h.receive("issues", structuredClone(closed));
    expect(shown(project, board).cards[0]).toBe("In batch");
    expect(shown(project, board).batch).toContain("| #1 | ⬜ open |");
    h.fake.reset();
    expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([
      { outcome: "clean", writes: 0, repairs: {} },
    ]);
  });
});

describe("the close guard's follow costs nothing where nothing follows", () => {
  it("no batch, board or dashboard: the close undone with the gate's read and one write, no refresh read", async () => {
    h = createHarness();
    h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    h.fake.addIssue(R, {
      number: 1,
      title: "List view",
      labels: ["spec", "in-review"],
      assignees: ["agent"],
    });
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    const one = h.fake.issue(R, 1);
    Object.assign(one, { state: "CLOSED", stateReason: "COMPLETED", closedAt: new Date().toISOString() });
    one.closedBy = "agent";
    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 1, "closed", { sender: "agent" }));
    expect(one).toMatchObject({ state: "OPEN", stateReason: "REOPENED" });
    // The guard took off the in-review label no pull request explains (a gate label change), and kept readiness.
    expect([...one.labels].sort()).toEqual(["ready", "spec"]);
    expect(operations()).toEqual([
      "read GET /repos/acme/specs/contents/.github%2Fbatch.yml",
      "read BatchbotGateSpecs",
      "write BatchbotWrites",
    ]);
    h.fake.reset();
    expect(ranJob(await h.jobs.reconcile()).repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
  });
});
