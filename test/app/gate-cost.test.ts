import { afterEach, describe, expect, it } from "vitest";
import { BOARD_STATUSES } from "../../src/domain/board-state.js";
import { DASHBOARD_TITLE } from "../../src/domain/dashboard.js";
import { refreshProgress } from "../../src/features/board-and-dashboard/run.js";
import { projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { installLifecycleFake, seedBatch } from "../helpers/lifecycle.js";
import { runtimeFor } from "../helpers/progress-fixtures.js";

const REPO = "acme/specs";
const VALIDATORS = "validation:\n  b1: [alice]\n  b2: [bob]\n";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** SPECs 1..n (the first three assigned to `agent`), and pull request #10 closing `closes`, approved by alice (B1). */
function setup(config: string, closes: number[], specs = 3) {
  h = createHarness();
  installLifecycleFake(h.fake);
  const repo = h.fake.repo(REPO);
  for (const login of ["alice", "bob", "agent"]) repo.collaborators.set(login, "write");
  repo.files.set(".github/batch.yml", config);
  for (let n = 1; n <= specs; n++)
    h.fake.addIssue(REPO, { number: n, title: `SPEC ${n}`, labels: ["spec"], assignees: ["agent"] });
  h.fake.addPullRequest(REPO, {
    number: 10,
    author: "agent",
    body: closes.map((n) => `Closes #${n}`).join("\n"),
    headSha: "head-10",
  });
  h.fake.addReview(REPO, 10, "alice", "APPROVED");
}

/** bob's approval (B2): the gate validates every SPEC the pull request closes. */
async function approveAsB2() {
  const event = h.reviewEvent(REPO, 10, "bob", "APPROVED");
  h.fake.reset();
  await h.receive("pull_request_review", event);
  expect(h.fake.unhandled).toEqual([]);
}

/** GraphQL reads beyond the gate's own query, by operation. */
function refreshReads(): string[] {
  return h.fake.requests
    .filter((r) => r.path === "/graphql" && r.kind === "read" && r.operation !== "BatchbotGatePullRequest")
    .map((r) => r.operation ?? "");
}

function otherReads(): string[] {
  return h.fake.requests
    .filter((r) => r.path !== "/graphql" && r.kind === "read")
    .map((r) => `${r.method} ${r.path}`)
    .filter((r) => !r.includes("/contents/"));
}

describe("the quality gate's refresh cost (issue 17, item 4)", () => {
  it("one review in a repository with no batch, board or dashboard: config + gate query, no refresh read", async () => {
    setup(VALIDATORS, [1]);
    await approveAsB2();
    expect(h.fake.issue(REPO, 1).labels).toContain("validated");
    const graphqlReads = h.fake.requests.filter((r) => r.path === "/graphql" && r.kind === "read");
    expect(graphqlReads.map((r) => r.operation)).toEqual(["BatchbotGatePullRequest"]);
    expect(otherReads()).toEqual([]);
    expect(refreshReads()).toEqual([]);
  });

  it("with the dashboard open and no batch: one refresh read (the dashboard's)", async () => {
    setup(VALIDATORS, [1]);
    h.fake.addIssue(REPO, { title: DASHBOARD_TITLE, labels: ["batch-dashboard"], author: "batchbot[bot]" });
    await approveAsB2();
    expect(h.fake.issue(REPO, 1).labels).toContain("validated");
    expect(refreshReads()).toHaveLength(1);
    expect(otherReads()).toEqual([]);
  });

  it("with a batch and the dashboard turned off: one refresh read (the batch's) for three SPECs the gate changed", async () => {
    setup(`${VALIDATORS}dashboard:\n  enabled: false\n`, [1, 2, 3]);
    const { batch } = seedBatch(h.fake, REPO, { agent: "agent", specs: [1, 2, 3] });
    await approveAsB2();
    for (const n of [1, 2, 3]) expect(h.fake.issue(REPO, n).labels).toContain("validated");
    expect(refreshReads()).toEqual(["BatchbotSpecBatch"]);
    expect(otherReads()).toEqual([]);
    // The batch's report follows the gate in that one pass.
    expect(h.fake.issue(REPO, batch.number).body).toContain("validated");
  });

  it("a disabled dashboard and no project: nothing to refresh even with a dashboard issue left open", async () => {
    setup(`${VALIDATORS}dashboard:\n  enabled: false\n`, [1]);
    h.fake.addIssue(REPO, { title: DASHBOARD_TITLE, labels: ["batch-dashboard"], author: "batchbot[bot]" });
    await approveAsB2();
    expect(h.fake.issue(REPO, 1).labels).toContain("validated");
    expect(refreshReads()).toEqual([]);
  });

  it("with a batch, a board and the dashboard: one refresh read serves the batch issue, the board and the dashboard", async () => {
    setup(`${VALIDATORS}project:\n  owner: acme\n  number: 3\n`, [1, 2, 3], 5);
    const board = projectsOf(h.fake);
    const project = board.addProject("acme", {
      number: 3,
      statusOptions: [...BOARD_STATUSES],
      fields: ["Agent", "Batch", "Domain"].map((name) => ({ name, dataType: "TEXT" })),
    });
    const { batch } = seedBatch(h.fake, REPO, { agent: "agent", specs: [1, 2, 3, 4, 5] });
    // The board and the dashboard as the batch's opening left them.
    const rt = await runtimeFor(h, {
      validation: { b1: ["alice"], b2: ["bob"] },
      project: { owner: "acme", number: 3 },
    });
    const before = await refreshProgress(rt);
    expect(before.dashboard.action).toBe("created");
    const dashboard = h.fake.issue(REPO, before.dashboard.number!);
    const dashboardBefore = dashboard.body;

    await approveAsB2();
    for (const n of [1, 2, 3]) expect(h.fake.issue(REPO, n).labels).toContain("validated");
    expect(refreshReads()).toEqual(["BatchbotProgress"]);
    expect(otherReads()).toEqual([]);
    // Everything follows the gate from that one read: the batch's report, the board's Status, the dashboard.
    expect(h.fake.issue(REPO, batch.number).body).toContain("validated");
    for (const n of [1, 2, 3])
      expect(board.value(project, h.fake.issue(REPO, n).id, "Status")).toBe("Validated");
    expect(board.value(project, h.fake.issue(REPO, 4).id, "Status")).toBe("In batch");
    expect(dashboard.body).not.toBe(dashboardBefore);
    expect([...h.fake.repo(REPO).issues.values()].filter((i) => i.title === DASHBOARD_TITLE)).toHaveLength(1);

    // A redelivery of the review: the gate changes no label, so nothing is refreshed, and nothing written.
    h.fake.reset();
    await h.receive("pull_request_review", h.reviewEvent(REPO, 10, "bob", "APPROVED"));
    expect(refreshReads()).toEqual([]);
    expect(h.fake.writes).toBe(0);
  });
});

describe("a person's change: one refresh read too", () => {
  it("a SPEC of a batch labelled in review by hand: the batch issue, the board and the dashboard follow from one read", async () => {
    setup(`${VALIDATORS}project:\n  owner: acme\n  number: 3\n`, [1], 3);
    const board = projectsOf(h.fake);
    const project = board.addProject("acme", {
      number: 3,
      statusOptions: [...BOARD_STATUSES],
      fields: ["Agent", "Batch", "Domain"].map((name) => ({ name, dataType: "TEXT" })),
    });
    const { batch } = seedBatch(h.fake, REPO, { agent: "agent", specs: [1, 2, 3] });
    const rt = await runtimeFor(h, {
      validation: { b1: ["alice"], b2: ["bob"] },
      project: { owner: "acme", number: 3 },
    });
    await refreshProgress(rt);
    const two = h.fake.issue(REPO, 2);
    two.labels.push("in-review");
    h.fake.reset();
    await h.receive(
      "issues",
      h.issueEvent(REPO, 2, "labeled", { sender: "alice", label: { name: "in-review" } }),
    );
    expect(h.fake.unhandled).toEqual([]);
    const reads = h.fake.requests
      .filter((r) => r.path === "/graphql" && r.kind === "read")
      .map((r) => r.operation)
      .filter((o) => o !== "BatchbotRegistry");
    expect(reads).toEqual(["BatchbotProgress"]);
    expect(h.fake.issue(REPO, batch.number).body).toMatch(/in review/i);
    expect(board.value(project, two.id, "Status")).toBe("In review");
  });
});
