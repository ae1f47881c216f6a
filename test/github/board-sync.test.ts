import { afterEach, describe, expect, it } from "vitest";
import { BOARD_STATUSES } from "../../src/domain/board-state.js";
import { refreshProgress } from "../../src/features/board-and-dashboard/run.js";
import { projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { AGENTS, REPO, runtimeFor, seedAssignment } from "../helpers/progress-fixtures.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const NOW = new Date("2026-11-25T12:00:00Z");
const ORG_PROJECT = { project: { owner: "acme", number: 3 } };

function setup(options: { statusOptions?: string[] | null; fields?: string[]; assign?: boolean } = {}) {
  h = createHarness();
  const board = projectsOf(h.fake);
  const project = board.addProject("acme", {
    number: 3,
    statusOptions: options.statusOptions === undefined ? [...BOARD_STATUSES] : options.statusOptions,
    fields: (options.fields ?? ["Agent", "Batch", "Domain"]).map((name) => ({ name, dataType: "TEXT" })),
  });
  const seeded = seedAssignment(h, options.assign ?? true);
  return { board, project, ...seeded };
}

/** The board as it stands after `/batch assign` was synced once: every SPEC on it, in batch. */
async function syncOnce(config: Record<string, unknown> = ORG_PROJECT) {
  const rt = await runtimeFor(h, config);
  const report = await refreshProgress(rt, { now: NOW });
  expect(h.fake.unhandled).toEqual([]);
  expect(report.failures).toEqual([]);
  return { rt, report };
}

describe("board sync", () => {
  it("puts every SPEC and batch issue on the board with Status, Agent, Batch and Domain", async () => {
    const { board, project, specs, batches } = setup();
    const { report } = await syncOnce();
    expect(project.items).toHaveLength(42);
    const values = (id: string) =>
      ["Status", "Agent", "Batch", "Domain"].map((f) => board.value(project, id, f));
    expect(values(specs[0]!.id)).toEqual(["In batch", "DATABASE-OPUS", `#${batches[0]!.number}`, "database"]);
    expect(values(specs[7]!.id)).toEqual([
      "In batch",
      "ALGORITHM-OPUS",
      `#${batches[1]!.number}`,
      "algorithm",
    ]);
    expect(values(batches[5]!.id)).toEqual(["In batch", "TEST-OPUS", `#${batches[5]!.number}`, "test"]);
    expect(report.board).toMatchObject({ createdFields: [], written: 168, problems: [] });
    expect(report.board?.added).toHaveLength(42);
  });

  it("costs at most 6 requests to sync 36 SPECs after /batch assign, dashboard included", async () => {
    // 36 SPECs already on the board as Ready (synced when they were opened); the assign made six batches.
    const { board, project, specs } = setup();
    for (const spec of specs) {
      board.setValue(project, spec.id, "Status", "Ready");
      board.setValue(project, spec.id, "Domain", spec.labels[2]!.slice("domain:".length));
    }
    h.fake.reset();
    const { report } = await syncOnce();
    // 1 read; 1 round adding 6 batch issues and opening the dashboard; 36×3 + 6×4 values + label + pin = 134 → 3
    expect(h.fake.requests.map((r) => r.operation)).toEqual([
      "BatchbotProgress",
      "BatchbotWrites",
      "BatchbotWrites",
      "BatchbotWrites",
      "BatchbotWrites",
    ]);
    expect(report.reads + report.writes).toBe(5);
    expect(h.fake.requests.length).toBeLessThanOrEqual(6);
  });

  it("costs at most 6 requests even when the board starts empty and lacks batchbot's fields", async () => {
    setup({ fields: [] });
    h.fake.reset();
    await syncOnce();
    // 1 read; fields + 42 items + dashboard in one round; 42×4 values + label + pin = 170 → 4
    expect(h.fake.requests).toHaveLength(6);
    expect(h.fake.writes).toBe(5);
  });

  it("writes nothing the second time: items are added once, values only when they change", async () => {
    const { project } = setup();
    await syncOnce();
    h.fake.reset();
    const { report } = await syncOnce();
    expect(h.fake.requests.map((r) => r.operation)).toEqual(["BatchbotProgress"]);
    expect(report.board).toMatchObject({ added: [], written: 0 });
    expect(report.dashboard.action).toBe("unchanged");
    expect(project.items).toHaveLength(42);
  });

  it("writes only the field that changed when a SPEC moves on", async () => {
    const { board, project, specs } = setup();
    await syncOnce();
    h.fake.issue(REPO, specs[0]!.number).labels.push("in-review");
    h.fake.reset();
    await syncOnce();
    const writes = h.fake.requests.filter((r) => r.kind === "write");
    expect(writes).toHaveLength(1);
    // the Status of #1, and the dashboard body (one SPEC more in review)
    expect(writes[0]!.fields).toBe(2);
    expect(board.value(project, specs[0]!.id, "Status")).toBe("In review");
  });

  it("clears Agent and Batch when a SPEC leaves its batch", async () => {
    const { board, project, specs, batches } = setup();
    await syncOnce();
    const batch = h.fake.issue(REPO, batches[0]!.number);
    batch.body = batch.body.replace('"specs":[1,7,13,19,25,31]', '"specs":[7,13,19,25,31]');
    h.fake.reset();
    await syncOnce();
    expect(board.value(project, specs[0]!.id, "Status")).toBe("Ready");
    expect(board.value(project, specs[0]!.id, "Agent")).toBeNull();
    expect(board.value(project, specs[0]!.id, "Batch")).toBeNull();
    const sent = JSON.stringify(h.fake.requests.map((r) => r.body));
    expect(sent).toContain("clearProjectV2ItemFieldValue");
  });

  it("creates the fields a project lacks, Status with all seven options", async () => {
    const { board, project, specs } = setup({ statusOptions: null, fields: ["Agent"] });
    const { report } = await syncOnce();
    expect(report.board?.createdFields).toEqual(["Status", "Batch", "Domain"]);
    expect(board.field(project, "Status")?.options?.map((o) => o.name)).toEqual([...BOARD_STATUSES]);
    expect(board.field(project, "Batch")?.dataType).toBe("TEXT");
    expect(board.value(project, specs[0]!.id, "Status")).toBe("In batch");
  });

  it("reports Status options the project lacks on the dashboard, and keeps the other fields right", async () => {
    const { board, project, specs } = setup({ statusOptions: ["Todo", "In Progress", "Done"] });
    h.fake.issue(REPO, specs[1]!.number).state = "CLOSED";
    const { report } = await syncOnce();
    expect(report.board?.problems).toEqual([
      'The Status field has no option "Blocked", "Ready", "In batch", "In review", "Changes requested", "Validated". Add them with these names in the project\'s field settings; until then batchbot leaves Status alone on 41 items that need them.',
    ]);
    expect(board.value(project, specs[0]!.id, "Status")).toBeNull();
    expect(board.value(project, specs[1]!.id, "Status")).toBe("Done");
    expect(board.value(project, specs[0]!.id, "Agent")).toBe("DATABASE-OPUS");
    const dashboard = [...h.fake.repo(REPO).issues.values()].find((i) =>
      i.labels.includes("batch-dashboard"),
    )!;
    expect(dashboard.body).toContain('The Status field has no option "Blocked"');
  });

  it("works with a project owned by a user, found by URL", async () => {
    h = createHarness();
    const board = projectsOf(h.fake);
    const project = board.addProject("alice", {
      number: 7,
      type: "User",
      statusOptions: [...BOARD_STATUSES],
    });
    const { specs } = seedAssignment(h);
    await syncOnce({ project: { url: "https://github.com/users/alice/projects/7" } });
    expect(project.items).toHaveLength(42);
    expect(board.value(project, specs[0]!.id, "Agent")).toBe(AGENTS[0]);
  });

  it("works with a user's project given as owner and number", async () => {
    h = createHarness();
    const board = projectsOf(h.fake);
    const project = board.addProject("alice", { number: 7, type: "User" });
    seedAssignment(h);
    await syncOnce({ project: { owner: "alice", number: 7 } });
    expect(project.items).toHaveLength(42);
  });

  it("says so when the URL names the wrong kind of owner", async () => {
    h = createHarness();
    projectsOf(h.fake).addProject("alice", { number: 7, type: "User" });
    seedAssignment(h);
    const { report } = await syncOnce({ project: { url: "https://github.com/orgs/alice/projects/7" } });
    expect(report.board?.problems).toEqual(["alice is a user, but the project URL says /orgs/."]);
  });

  it("reports a project it can't read and still keeps the dashboard", async () => {
    h = createHarness();
    projectsOf(h.fake).addProject("alice", { number: 7, type: "User", readable: false });
    seedAssignment(h);
    const { report } = await syncOnce({ project: { owner: "alice", number: 7 } });
    expect(report.board?.problems[0]).toMatch(
      /^project 7 of alice can't be read \(Resource not accessible by integration\)\. batchbot needs the Organization projects/,
    );
    expect(report.dashboard.action).toBe("created");
    const dashboard = h.fake.issue(REPO, report.dashboard.number!);
    expect(dashboard.body).toContain("can't be read");
  });

  it("reports a project that doesn't exist", async () => {
    h = createHarness();
    projectsOf(h.fake).owner("acme");
    seedAssignment(h);
    const { report } = await syncOnce({ project: { owner: "acme", number: 99 } });
    expect(report.board?.problems[0]).toMatch(/Could not resolve to a ProjectV2 with the number 99/);
  });

  it("shows refused board writes on the dashboard (a project the app may read but not write)", async () => {
    h = createHarness();
    projectsOf(h.fake).addProject("alice", { number: 7, type: "User", writable: false });
    seedAssignment(h);
    const rt = await runtimeFor(h, { project: { owner: "alice", number: 7 } });
    const report = await refreshProgress(rt, { now: NOW });
    // three fields to create, 42 items to add: all refused
    expect(report.failures).toHaveLength(45);
    const dashboard = h.fake.issue(REPO, report.dashboard.number!);
    expect(dashboard.body).toContain("45 board writes failed: Resource not accessible by integration");
    // the same refusal next time: the read, the retried writes, and no dashboard rewrite
    h.fake.reset();
    await refreshProgress(rt, { now: NOW });
    expect(h.fake.requests.map((r) => [r.operation, r.fields])).toEqual([
      ["BatchbotProgress", 2],
      ["BatchbotWrites", 45],
    ]);
  });
});
