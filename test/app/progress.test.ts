import { afterEach, describe, expect, it } from "vitest";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { parseConfig } from "../../src/domain/config.js";
import { isProgressRelevant } from "../../src/features/board-and-dashboard/events.js";
import type { IssuesPayload } from "../../src/features/shared/issue-payload.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { BOARD_STATUSES, projectsOf } from "../helpers/fake-projects.js";
import { BOT, createHarness, examplePayload, type Harness, repositoryPayload } from "../helpers/harness.js";
import { AGENTS, REPO, seedAssignment } from "../helpers/progress-fixtures.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const PROJECT_CONFIG = "project:\n  owner: acme\n  number: 3\n";

function setup(config = PROJECT_CONFIG) {
  h = createHarness();
  h.fake.repo(REPO).files.set(".github/batch.yml", config);
  const board = projectsOf(h.fake);
  const project = board.addProject("acme", {
    number: 3,
    statusOptions: BOARD_STATUSES,
    fields: ["Agent", "Batch", "Domain"].map((name) => ({ name, dataType: "TEXT" })),
  });
  return { board, project, ...seedAssignment(h) };
}

function dashboards(): FakeIssue[] {
  return [...h.fake.repo(REPO).issues.values()].filter((i) => i.labels.includes("batch-dashboard"));
}

function progressReads() {
  return h.fake.requests.filter((r) => r.operation === "BatchbotProgress").length;
}

describe("progress on events", () => {
  it("puts a batch on the board and opens the dashboard when planning opens the batch issue", async () => {
    const { board, project, specs, batches } = setup();
    await h.receive("issues", h.issueEvent(REPO, batches[0]!.number, "opened"));
    expect(h.fake.unhandled).toEqual([]);
    expect(project.items).toHaveLength(42);
    expect(board.value(project, specs[0]!.id, "Agent")).toBe(AGENTS[0]);
    expect(dashboards()).toHaveLength(1);
  });

  it("moves a SPEC when the quality gate labels it, and a redelivery writes nothing", async () => {
    const { board, project, specs, batches } = setup();
    await h.receive("issues", h.issueEvent(REPO, batches[0]!.number, "opened"));
    h.fake.issue(REPO, 1).labels.push("in-review");
    const event = h.issueEvent(REPO, 1, "labeled", { label: { name: "in-review" } });
    h.fake.reset();
    await h.receive("issues", event, "delivery-gate");
    expect(board.value(project, specs[0]!.id, "Status")).toBe("In review");
    expect(h.fake.writes).toBe(1);
    h.fake.reset();
    await h.receive("issues", event, "delivery-gate");
    expect(h.fake.writes).toBe(0);
  });

  it("ignores events that can't change the board or the dashboard", async () => {
    setup();
    h.fake.reset();
    await h.receive("issues", h.issueEvent(REPO, 1, "edited", { changes: { body: { from: "" } } }));
    await h.receive("issues", h.issueEvent(REPO, 1, "labeled", { label: { name: "help wanted" } }));
    expect(progressReads()).toBe(0);
  });

  it("keeps the dashboard without a project board", async () => {
    h = createHarness();
    const { batches } = seedAssignment(h);
    await h.receive("issues", h.issueEvent(REPO, batches[0]!.number, "opened"));
    expect(h.fake.unhandled).toEqual([]);
    expect(dashboards()).toHaveLength(1);
    // B1 and B2 approve, so the quality gate lets the close stand
    for (const [login, stage] of [
      ["alice", "b1"],
      ["bob", "b2"],
    ] as const) {
      h.fake.repo(REPO).collaborators.set(login, "write");
      h.fake.addComment(REPO, 2, login, `/batch approve ${stage}`);
    }
    h.fake.issue(REPO, 2).state = "CLOSED";
    h.fake.issue(REPO, 2).stateReason = "COMPLETED";
    await h.receive("issues", h.issueEvent(REPO, 2, "closed"));
    expect(dashboards()[0]!.body).toContain(
      "| ALGORITHM-OPUS | #38 (batch 1) | `██░░░░░░░░` 1/6 | 0 | — | 0 |",
    );
    expect(dashboards()[0]!.comments).toEqual([]);
  });
});

describe("own events", () => {
  it("ignores the events batchbot's own writes cause", async () => {
    h = createHarness();
    const { batches } = seedAssignment(h);
    await h.receive("issues", h.issueEvent(REPO, batches[0]!.number, "opened", { sender: BOT }));
    await h.receive("issues", h.issueEvent(REPO, 1, "assigned", { sender: BOT }));
    expect(h.fake.requests).toEqual([]);
  });
});

describe("which events matter", () => {
  const parsed = parseConfig({ project: { owner: "acme", number: 3 } });
  if (!parsed.ok) throw new Error("config");
  const config = parsed.config;
  const payload = (action: string, labels: string[], extra: Partial<IssuesPayload> = {}): IssuesPayload =>
    ({
      action,
      issue: { node_id: "I_1", id: 1, number: 1, title: "t", labels: labels.map((name) => ({ name })) },
      ...extra,
    }) as IssuesPayload;
  // [case, payload, relevant]
  const cases: Array<[string, IssuesPayload, boolean]> = [
    ["a SPEC opened", payload("opened", ["spec"]), true],
    ["a batch issue closed", payload("closed", ["batch"]), true],
    ["another issue opened", payload("opened", ["bug"]), false],
    [
      "a SPEC labelled validated",
      payload("labeled", ["spec", "validated"], { label: { name: "validated" } }),
      true,
    ],
    [
      "a SPEC given a domain",
      payload("labeled", ["spec", "domain:ui"], { label: { name: "domain:ui" } }),
      true,
    ],
    [
      "a SPEC labelled with something else",
      payload("labeled", ["spec", "bug"], { label: { name: "bug" } }),
      false,
    ],
    ["the SPEC label removed", payload("unlabeled", ["ready"], { label: { name: "spec" } }), true],
    ["a batch issue's body edited", payload("edited", ["batch"], { changes: { body: { from: "" } } }), true],
    [
      "a batch issue's title edited",
      payload("edited", ["batch"], { changes: { title: { from: "" } } }),
      false,
    ],
    ["a SPEC's body edited", payload("edited", ["spec"], { changes: { body: { from: "" } } }), false],
    ["a SPEC assigned", payload("assigned", ["spec"]), true],
    ["a batch issue assigned", payload("assigned", ["batch"]), false],
  ];
  it.each(cases)("%s", (_name, p, relevant) => expect(isProgressRelevant(p, config)).toBe(relevant));

  it("nothing matters with no project and the dashboard turned off", () => {
    const off = parseConfig({ dashboard: { enabled: false } });
    if (!off.ok) throw new Error("config");
    expect(isProgressRelevant(payload("opened", ["spec"]), off.config)).toBe(false);
  });
});

describe("commands", () => {
  function command(body: string, author = "alice") {
    return h.receive("issue_comment", h.commentEvent(REPO, 1, author, body));
  }
  const replies = () => h.fake.botComments(REPO, 1);

  it("/batch status replies once with the agent table and the dashboard link", async () => {
    const { batches } = setup();
    await h.receive("issues", h.issueEvent(REPO, batches[0]!.number, "opened"));
    const [dashboard] = dashboards();
    h.fake.reset();
    await command("/batch status");
    expect(h.fake.unhandled).toEqual([]);
    expect(replies()).toHaveLength(1);
    const reply = replies()[0]!.body;
    expect(reply).toContain("| DATABASE-OPUS | #37 (batch 1) | `░░░░░░░░░░` 0/6 | 0 | — | 0 |");
    expect(reply).toContain(`Open SPECs: 36 (In batch 36). Dashboard: #${dashboard!.number}`);
    // status reads, it doesn't write (the reply aside)
    expect(h.fake.requests.filter((r) => r.kind === "write").map((r) => r.path)).toEqual([
      "/repos/acme/specs/issues/1/comments",
    ]);
  });

  it("/batch dashboard opens and pins the dashboard for someone with triage access", async () => {
    setup();
    h.fake.repo(REPO).collaborators.set("alice", "triage");
    await command("/batch dashboard");
    const [dashboard] = dashboards();
    expect(dashboard).toMatchObject({ pinned: true });
    expect(replies()[0]!.body).toContain(`The dashboard is open: #${dashboard!.number}.`);
  });

  it("/batch dashboard and /batch sync are refused to people without triage access", async () => {
    setup();
    await command("/batch dashboard\n/batch sync", "mallory");
    expect(dashboards()).toEqual([]);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toContain("`/batch dashboard` is for people with triage access or more");
    expect(replies()[0]!.body).toContain("`/batch sync` is for people with triage access or more");
  });

  it("/batch sync repairs labels, board and dashboard, and says what it repaired", async () => {
    const { board, project, specs } = setup();
    h.fake.repo(REPO).collaborators.set("alice", "write");
    h.fake.issue(REPO, 5).body = "Depends on #4";
    await command("/batch sync");
    expect(h.fake.unhandled).toEqual([]);
    const reply = replies()[0]!.body;
    expect(reply).toContain("- Labels: 1 SPEC relabelled (#5 +blocked −ready)");
    expect(reply).toContain("- Board (project 3 of acme): added 42 issues, set 168 field values");
    expect(reply).toMatch(/- Dashboard: opened #\d+/);
    expect(board.value(project, specs[4]!.id, "Status")).toBe("In batch");
    await command("/batch sync");
    const again = replies()[1]!.body;
    expect(again).toContain("- Labels: all right");
    expect(again).toContain("- Board (project 3 of acme): all right");
    // The second `/batch sync`, a maintainer's comment on SPEC #1, is a message of #1's batch (issue 13): the sync's
    // recount of the SPECs' comments counts it in that batch alone, and the dashboard shows the new count.
    const first = batchOf(1);
    expect(again).toContain(`- Batch issues: #${first} brought up to date (of 6 open)`);
    expect(again).toMatch(/- Dashboard: #\d+ brought up to date/);
    const syncs = h.fake.issue(REPO, 1).comments.filter((c) => c.author === "alice");
    expect(decodeBatchMeta(h.fake.issue(REPO, first).body)!.messages?.onSpecs).toEqual(
      syncs.map((c) => c.databaseId),
    );
  });

  it("/batch sync lists what the board lacks", async () => {
    h = createHarness();
    h.fake.repo(REPO).files.set(".github/batch.yml", PROJECT_CONFIG);
    projectsOf(h.fake).addProject("acme", { number: 3 });
    seedAssignment(h);
    h.fake.repo(REPO).collaborators.set("alice", "admin");
    await command("/batch sync");
    const reply = replies()[0]!.body;
    expect(reply).toContain("created the fields Agent, Batch, Domain");
    expect(reply).toContain('  - The Status field has no option "Blocked"');
  });
});

describe("config check", () => {
  function push() {
    const repo = h.fake.repo(REPO);
    const base = examplePayload("push");
    const sha = "c0ffee";
    repo.filesAt.set(sha, new Map(repo.files));
    return {
      ...base,
      after: sha,
      deleted: false,
      commits: [{ added: [], modified: [".github/batch.yml"], removed: [] }],
      head_commit: null,
      repository: repositoryPayload(repo, base.repository),
      installation: { id: 1 },
    };
  }

  it("warns, in the batchbot config check run, about a project lacking Status options", async () => {
    h = createHarness();
    h.fake.repo(REPO).files.set(".github/batch.yml", PROJECT_CONFIG);
    projectsOf(h.fake).addProject("acme", { number: 3 });
    await h.receive("push", push());
    expect(h.fake.unhandled).toEqual([]);
    const [run] = h.fake.repo(REPO).checkRuns;
    expect(run).toMatchObject({ name: "batchbot config", conclusion: "neutral" });
    expect(run!.output.title).toBe("Configuration is valid; 1 warning(s)");
    expect(run!.output.summary).toContain(
      '- Project board: The Status field has no option "Blocked", "Ready", "In batch", "In review", "Changes requested", "Validated". Add them with these names in the project\'s field settings.',
    );
  });

  it("passes a project batchbot can use", async () => {
    h = createHarness();
    h.fake.repo(REPO).files.set(".github/batch.yml", PROJECT_CONFIG);
    projectsOf(h.fake).addProject("acme", { number: 3, statusOptions: BOARD_STATUSES });
    await h.receive("push", push());
    expect(h.fake.repo(REPO).checkRuns[0]).toMatchObject({ conclusion: "success" });
  });

  it("warns about a project it can't find", async () => {
    h = createHarness();
    h.fake
      .repo(REPO)
      .files.set(".github/batch.yml", "project:\n  url: https://github.com/orgs/acme/projects/9\n");
    projectsOf(h.fake).owner("acme");
    await h.receive("push", push());
    const [run] = h.fake.repo(REPO).checkRuns;
    expect(run).toMatchObject({ conclusion: "neutral" });
    expect(run!.output.summary).toContain("Could not resolve to a ProjectV2 with the number 9.");
  });
});

/** The number of the batch issue whose task list holds SPEC `spec`. */
function batchOf(spec: number): number {
  const batch = [...h.fake.repo(REPO).issues.values()].find((i) =>
    decodeBatchMeta(i.body)?.specs.includes(spec),
  );
  if (!batch) throw new Error(`no batch holds #${spec}`);
  return batch.number;
}
