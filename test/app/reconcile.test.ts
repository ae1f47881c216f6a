import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import type { FakeProject } from "../helpers/fake-projects.js";
import { BOARD_STATUSES, projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { ranJob } from "../helpers/job-outcome.js";
import { commentDeletedEvent } from "../helpers/lifecycle.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** A pino logger whose JSON lines are kept for the test to read. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

/** Requests to the repository (the sweep's walk over installations aside). */
function repoRequests() {
  return h.fake.requests.filter((r) => !r.path.startsWith("/app/") && !r.path.startsWith("/installation/"));
}

describe("reconcile sweep", () => {
  it("an unchanged repository of 600 SPECs costs at most 8 reads and no write", async () => {
    h = createHarness();
    h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    for (let n = 1; n <= 600; n++) {
      const dep = n % 3 === 0 ? `Depends on #${n - 1}` : "";
      h.fake.addIssue(R, {
        number: n,
        title: `SPEC ${n}`,
        labels: ["spec", dep ? "blocked" : "ready"],
        body: dep,
      });
    }
    ranJob(await h.jobs.reconcile());
    h.fake.reset();
    const report = ranJob(await h.jobs.reconcile());
    const log = repoRequests().map((r) => `${r.method} ${r.path} ${r.operation ?? ""}`.trim());
    console.log(
      `sweep of 600 unchanged SPECs: ${report.repositories[0]!.reads} reads\n  ${log.join("\n  ")}`,
    );
    expect(report.repositories).toMatchObject([{ repository: R, outcome: "clean", writes: 0, repairs: {} }]);
    expect(report.repositories[0]!.reads).toBe(log.length);
    expect(report.repositories[0]!.reads, log.join("\n")).toBeLessThanOrEqual(8);
    expect(h.fake.writes).toBe(0);
  });
});

describe("the sweep's walk", () => {
  it("logs one line per repository with its reads, writes and repairs, and counts the repairs", async () => {
    const { log, lines } = capture();
    h = createHarness({ log });
    h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    h.fake.addIssue(R, {
      number: 1,
      labels: ["spec", "validated"],
      state: "CLOSED",
      stateReason: "COMPLETED",
    });
    h.fake.addIssue(R, { number: 2, labels: ["spec", "blocked"], body: "Depends on #1" });
    h.fake.repo("acme/notes").files.set(".github/batch.yml", "labels: [not, a, map]\n");
    h.fake.addIssue("acme/old", { number: 1, labels: ["spec", "blocked"], body: "Depends on #404" });
    h.fake.repo("acme/old").archived = true;
    h.fake.installations.push({ id: 2, account: { login: "gone" }, suspended_at: "2026-11-01T00:00:00Z" });

    const report = ranJob(await h.jobs.reconcile());
    expect(report.installations).toBe(1);
    expect(report.repositories.map((r) => [r.repository, r.outcome])).toEqual([
      [R, "repaired"],
      ["acme/notes", "skipped"],
    ]);
    const perRepo = lines.filter((l) => String(l.msg).startsWith("reconcile: ") && l.repository);
    expect(perRepo.map((l) => [l.repository, l.msg, l.level])).toEqual([
      [R, "reconcile: repaired drift (missed events)", 40],
      ["acme/notes", "reconcile: skipped", 30],
    ]);
    expect(perRepo[0]).toMatchObject({
      job: "reconcile",
      reads: expect.any(Number),
      writes: h.fake.writes,
      repairs: { labels: 1 },
    });
    expect(await h.metrics.count("reconcileRepairs", { kind: "labels" })).toBe(1);
    expect(await h.metrics.count("reconcileRepositories", { outcome: "repaired" })).toBe(1);
    expect(await h.metrics.count("jobRuns", { job: "reconcile", outcome: "ok" })).toBe(1);
    expect(h.fake.issue("acme/old", 1).labels).toEqual(["spec", "blocked"]);
    expect(await h.metrics.text()).toContain('batchbot_reconcile_repairs_total{kind="labels"} 1');
  });
});

// ---- dropped deliveries ------------------------------------------------------------------------------------

const CONFIG = [
  "agents:",
  "  - login: db-opus",
  "    domains: [database]",
  "  - login: ui-opus",
  "    domains: [ui]",
  "  - login: api-opus",
  "    domains: [api]",
  "  - login: docs-opus",
  "    domains: [docs]",
  "validation:",
  "  b1: [alice]",
  "  b2: [bob]",
  "project:",
  "  owner: acme",
  "  number: 3",
  "",
].join("\n");

/** Six SPECs in four domains, four agents, a board, B1/B2 validators; `/batch assign` given by the lead. */
async function planned(): Promise<{ project: FakeProject; board: ReturnType<typeof projectsOf> }> {
  h = createHarness();
  const repo = h.fake.repo(R);
  repo.files.set(".github/batch.yml", CONFIG);
  for (const login of ["lead", "alice", "bob"]) repo.collaborators.set(login, "maintain");
  for (const login of ["db-opus", "ui-opus", "api-opus", "docs-opus"]) repo.collaborators.set(login, "write");
  const board = projectsOf(h.fake);
  const project = board.addProject("acme", {
    number: 3,
    statusOptions: BOARD_STATUSES,
    fields: ["Agent", "Batch", "Domain"].map((name) => ({ name, dataType: "TEXT" })),
  });
  const spec = (number: number, domain: string, body = "") =>
    h.fake.addIssue(R, { number, title: `SPEC ${number}`, labels: ["spec", `domain:${domain}`], body });
  spec(1, "database");
  spec(2, "database", "Depends on #1");
  spec(3, "ui");
  spec(4, "ui", "Depends on #3");
  spec(6, "api");
  spec(7, "docs");
  for (const n of [1, 2, 3, 4, 6, 7]) await h.receive("issues", h.issueEvent(R, n, "opened"));
  const planning = h.fake.addIssue(R, { number: 5, title: "Sprint planning" }).number;
  await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
  return { project, board };
}

/**
 * What people do after planning, each change followed by its delivery; the `drop`-th delivery never reaches the
 * app (GitHub logs it failed). Returns the deliveries' names.
 */
async function afterPlanning(drop: number | null): Promise<string[]> {
  const names: string[] = [];
  const deliver = async (name: string, payload: Record<string, any>) => {
    names.push(`${name}.${payload.action} #${payload.issue?.number ?? payload.pull_request?.number}`);
    if (drop === names.length - 1) h.drop(name, payload);
    else await h.receive(name, payload);
  };
  const close = (n: number, reason: "COMPLETED" | "NOT_PLANNED", by: string) => {
    const issue = h.fake.issue(R, n);
    issue.state = "CLOSED";
    issue.stateReason = reason;
    issue.closedAt = new Date().toISOString();
    issue.closedBy = by;
  };
  // #1, approved by B1 and B2, is closed by its agent: #2 ready, #1 ticked in its batch and Done on the board.
  // (The approvals are commands, answered where they were given, and messages of #1's batch.)
  await h.receive("issue_comment", h.commentEvent(R, 1, "alice", "/batch approve b1"));
  await h.receive("issue_comment", h.commentEvent(R, 1, "bob", "/batch approve b2"));
  close(1, "COMPLETED", "db-opus");
  await deliver("issues", h.issueEvent(R, 1, "closed", { sender: "db-opus" }));
  // #4's dependency on #3 is dropped from its body: ready.
  const four = h.fake.issue(R, 4);
  const before = four.body;
  four.body = "No dependency after all.";
  await deliver(
    "issues",
    h.issueEvent(R, 4, "edited", { sender: "lead", changes: { body: { from: before } } }),
  );
  // #4's agent closes it as completed before B1 and B2 validated it: the gate reopens it and says why.
  close(4, "COMPLETED", "ui-opus");
  await deliver("issues", h.issueEvent(R, 4, "closed", { sender: "ui-opus" }));
  // Its agent opens a pull request that closes #4 (the gate puts #4 in review), then edits "Closes #4" out of its
  // description: #4 is not in review any more and the check run names no SPEC.
  h.fake.addPullRequest(R, { number: 20, author: "ui-opus", body: "Closes #4", headSha: "ui-head" });
  await h.receive("pull_request", h.pullRequestEvent(R, 20, "opened"));
  h.fake.issue(R, 20).body = "Refactoring the list view first.";
  const edit = { changes: { body: { from: "Closes #4" } } };
  await deliver("pull_request", h.pullRequestEvent(R, 20, "edited", edit));
  // A person marks #3 in review; the board follows.
  h.fake.issue(R, 3).labels.push("in-review");
  await deliver("issues", h.issueEvent(R, 3, "labeled", { sender: "lead", label: { name: "in-review" } }));
  // #2 is not needed any more.
  close(2, "NOT_PLANNED", "lead");
  await deliver("issues", h.issueEvent(R, 2, "closed", { sender: "lead" }));
  // The API agent asks on its SPEC #6: a message of its batch, counted on a SPEC.
  await deliver("issue_comment", h.commentEvent(R, 6, "api-opus", "Is the v2 endpoint in scope?"));
  // The lead's answer on #6 (delivered) is deleted again: no message any more.
  const answer = h.commentEvent(R, 6, "lead", "Yes, both.");
  await h.receive("issue_comment", answer);
  await deliver("issue_comment", commentDeletedEvent(h, R, 6, answer.comment.id));
  // The API agent writes on its batch issue: a message of the batch.
  const api = batchOf("api-opus");
  await deliver("issue_comment", h.commentEvent(R, api, "api-opus", "Starting with #6."));
  // The lead's comment on the docs batch (delivered) is deleted again: no message any more.
  const docs = batchOf("docs-opus");
  const note = h.commentEvent(R, docs, "lead", "Link the runbook.");
  await h.receive("issue_comment", note);
  await deliver("issue_comment", commentDeletedEvent(h, R, docs, note.comment.id));
  return names;
}

/** The open batch issue of `agent`. */
function batchOf(agent: string): number {
  const batch = [...h.fake.repo(R).issues.values()].find(
    (i) => i.state === "OPEN" && decodeBatchMeta(i.body)?.agent === agent,
  );
  if (!batch) throw new Error(`no open batch of ${agent}`);
  return batch.number;
}

/** The state people see: issues (labels, state, bodies without times), the board's values. */
function state(project: FakeProject, board: ReturnType<typeof projectsOf>) {
  // Times and ids (comments, the planning command) differ from one fake GitHub to the next.
  // The batch metadata compares as data: the order of its keys depends on which write came first.
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sorted(v)]),
          )
        : value;
  const untimed = (text: string) =>
    text
      .replace(/<!-- batchbot:batch (.*?) -->/g, (_all, json: string) =>
        JSON.stringify(sorted(JSON.parse(json))),
      )
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z|\b\d{4}-\d\d-\d\d \d\d:\d\d\b/g, "<time>")
      .replace(/\b\d{4,}\b/g, "<id>");
  const issues = [...h.fake.repo(R).issues.values()].map((i) => ({
    number: i.number,
    state: `${i.state} ${i.stateReason ?? ""}`,
    labels: [...i.labels].sort().join(" "),
    assignees: [...i.assignees].sort().join(" "),
    body: untimed(i.body),
  }));
  // batchbot's sticky comments (explanations, the gate's note) and the gate's check run on each pull request's head.
  const stickies = [...h.fake.repo(R).issues.values()].flatMap((i) =>
    h.fake.botComments(R, i.number).map((c) => `#${i.number}: ${untimed(c.body)}`),
  );
  const checks = h.fake
    .repo(R)
    .checkRuns.filter((r) => r.headSha === h.fake.issue(R, 20).pullRequest?.headSha)
    .map((r) => `${r.name}: ${r.status} ${r.conclusion} ${r.output.title}\n${r.output.summary}`);
  const cards = project.items.map((item) => {
    const issue = [...h.fake.repo(R).issues.values()].find((i) => i.id === item.contentId);
    return `#${issue?.number}: ${["Status", "Agent", "Batch", "Domain"].map((f) => board.value(project, item.contentId, f)).join(" | ")}`;
  });
  return { issues, cards: cards.sort(), stickies: stickies.sort(), checks };
}

describe("a dropped delivery is repaired by the next sweep", () => {
  it("whichever delivery after planning is dropped, one sweep leaves the state as if none was", async () => {
    const { project, board } = await planned();
    const names = await afterPlanning(null);
    const clean = ranJob(await h.jobs.reconcile());
    expect(clean.repositories).toMatchObject([{ outcome: "clean" }]);
    const expected = state(project, board);
    // The run did what it should: #2 closed, #4 ready, #1 ticked in its batch, #3 in review on the board.
    expect(expected.issues.find((i) => i.number === 4)!.labels).toContain("ready");
    expect(expected.cards.some((c) => c.startsWith("#3: In review"))).toBe(true);

    // #4 was reopened by the gate with its note, and is not in review; #20's check run names no SPEC.
    const four = expected.issues.find((i) => i.number === 4)!;
    expect(four.state).toBe("OPEN REOPENED");
    expect(four.labels).not.toContain("in-review");
    expect(expected.stickies.some((s) => s.startsWith("#4: ") && s.includes("so batchbot reopened it"))).toBe(
      true,
    );
    expect(expected.checks).toEqual([expect.stringContaining("completed neutral No SPEC linked")]);

    expect(names).toEqual([
      "issues.closed #1",
      "issues.edited #4",
      "issues.closed #4",
      "pull_request.edited #20",
      "issues.labeled #3",
      "issues.closed #2",
      "issue_comment.created #6",
      "issue_comment.deleted #6",
      `issue_comment.created #${batchOf("api-opus")}`,
      `issue_comment.deleted #${batchOf("docs-opus")}`,
    ]);
    // The batches count their messages: the assignment and the agent's comments (on its batch issue and on its
    // SPEC); the deleted comments are none.
    const messages = (agent: string) => decodeBatchMeta(h.fake.issue(R, batchOf(agent)).body)!.messages;
    expect(messages("api-opus")?.total).toBe(3);
    expect(messages("api-opus")?.onSpecs).toHaveLength(1);
    expect(messages("docs-opus")?.total).toBe(1);
    for (let drop = 0; drop < names.length; drop++) {
      h.fake.uninstall();
      const { project, board } = await planned();
      await afterPlanning(drop);
      const dropped = state(project, board);
      const report = ranJob(await h.jobs.reconcile());
      const repaired = await h.metrics.count("reconcileRepairs");
      expect(state(project, board), `after dropping ${names[drop]}`).toEqual(expected);
      // Each drop left something wrong (the test can fail), and the sweep counted what it repaired.
      expect(dropped, names[drop]).not.toEqual(expected);
      expect(report.repositories[0]!.outcome, names[drop]).toBe("repaired");
      expect(repaired, names[drop]).toBeGreaterThan(0);
      if (names[drop]!.startsWith("issue_comment"))
        expect(await h.metrics.count("reconcileRepairs", { kind: "batch_messages" }), names[drop]).toBe(1);
    }
  });
});

describe("the sweep's reads with batches and a board (issue 17.4)", () => {
  it("open batch issues are refreshed from the board's progress read: one read for both, nothing written", async () => {
    await planned();
    ranJob(await h.jobs.reconcile());
    h.fake.reset();
    const report = ranJob(await h.jobs.reconcile());
    const graphql = repoRequests()
      .filter((r) => r.path === "/graphql")
      .map((r) => r.operation);
    console.log(`sweep of 2 open batches with a board: ${report.repositories[0]!.reads} reads`);
    expect(report.repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
    // Before: BatchbotBatches, then BatchbotBatchStates for each of the two open batches, then BatchbotProgress.
    expect(graphql.filter((o) => o !== "BatchbotRegistry" && !o?.startsWith("BatchbotGate"))).toEqual([
      "BatchbotProgress",
    ]);
  });

  it("a SPEC with more than 100 comments costs one more read per 100, and each of its messages counts", async () => {
    await planned();
    ranJob(await h.jobs.reconcile());
    const api = batchOf("api-opus");
    // 150 comments of the API agent on its SPEC #6, none delivered.
    for (let i = 0; i < 150; i++) h.fake.addComment(R, 6, "api-opus", `Note ${i}.`);
    const repaired = ranJob(await h.jobs.reconcile());
    expect(repaired.repositories).toMatchObject([{ outcome: "repaired", repairs: { batch_messages: 1 } }]);
    expect(decodeBatchMeta(h.fake.issue(R, api).body)!.messages?.total).toBe(151);
    h.fake.reset();
    const report = ranJob(await h.jobs.reconcile());
    expect(report.repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
    const graphql = repoRequests()
      .filter((r) => r.path === "/graphql")
      .map((r) => r.operation);
    expect(graphql.filter((o) => o !== "BatchbotRegistry" && !o?.startsWith("BatchbotGate"))).toEqual([
      "BatchbotProgress",
      "BatchbotBatchComments",
    ]);
  });

  it("a batch issue left behind (its SPEC's delivery dropped) is repaired from that read, the board with it", async () => {
    const { project, board } = await planned();
    ranJob(await h.jobs.reconcile());
    const batch = [...h.fake.repo(R).issues.values()].find(
      (i) => i.labels.includes("batch") && i.body.includes("#3"),
    )!;
    const three = h.fake.issue(R, 3);
    three.labels.push("in-review");
    h.fake.reset();
    const report = ranJob(await h.jobs.reconcile());
    expect(report.repositories).toMatchObject([{ outcome: "repaired" }]);
    expect(batch.body).toMatch(/in review/i);
    expect(board.value(project, three.id, "Status")).toBe("In review");
    const graphqlReads = repoRequests().filter((r) => r.path === "/graphql" && r.kind === "read");
    expect(graphqlReads.filter((r) => r.operation === "BatchbotProgress")).toHaveLength(1);
    expect(graphqlReads.map((r) => r.operation)).not.toContain("BatchbotBatchStates");
  });
});

describe("SPEC messages without a board or a dashboard (issue 13)", () => {
  it("a SPEC comment whose delivery was lost is counted by one sweep from the batch read, then nothing is written", async () => {
    h = createHarness();
    const repo = h.fake.repo(R);
    repo.files.set(
      ".github/batch.yml",
      [
        "agents:",
        "  - login: api-opus",
        "    domains: [api]",
        "validation:",
        "  b1: [alice]",
        "dashboard:",
        "  enabled: false",
        "",
      ].join("\n"),
    );
    for (const login of ["lead", "alice"]) repo.collaborators.set(login, "maintain");
    repo.collaborators.set("api-opus", "write");
    for (const n of [1, 2]) {
      h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec", "domain:api"] });
      await h.receive("issues", h.issueEvent(R, n, "opened"));
    }
    const planning = h.fake.addIssue(R, { number: 5, title: "Sprint planning" }).number;
    await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
    const api = batchOf("api-opus");
    ranJob(await h.jobs.reconcile());
    // The agent's comment on its SPEC #2, and a stranger's, never delivered.
    h.fake.addComment(R, 2, "api-opus", "Is the v2 endpoint in scope?");
    h.fake.addComment(R, 2, "someone", "+1").authorAssociation = "NONE";
    h.fake.reset();
    const repaired = ranJob(await h.jobs.reconcile());
    expect(repaired.repositories).toMatchObject([{ outcome: "repaired", repairs: { batch_messages: 1 } }]);
    expect(repoRequests().map((r) => r.operation)).not.toContain("BatchbotProgress");
    expect(decodeBatchMeta(h.fake.issue(R, api).body)!.messages).toMatchObject({ total: 2 });
    h.fake.reset();
    const clean = ranJob(await h.jobs.reconcile());
    expect(clean.repositories).toMatchObject([{ outcome: "clean", writes: 0 }]);
  });
});
