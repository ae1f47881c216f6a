import { afterEach, describe, expect, it } from "vitest";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { reportSection, taskLines } from "../../src/domain/batch-body.js";
import { type Discovery, renderKnowledgeBody } from "../../src/domain/knowledge.js";
import { REPORT_TEXT } from "../../src/features/batch-tasks/run.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { installLifecycleFake, seedBatch } from "../helpers/lifecycle.js";

const R = "acme/specs";
const AGENT = "alice";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/**
 * Batch #50 for alice holds SPECs 1 and 2; SPECs 3–12 are free (database), 13 is blocked by an open SPEC outside any
 * batch (14, assigned to someone by hand).
 */
function setup(config = "") {
  h = createHarness();
  installLifecycleFake(h.fake);
  const repo = h.fake.repo(R);
  repo.collaborators.set(AGENT, "read");
  repo.collaborators.set("maint", "write");
  repo.files.set(
    ".github/batch.yml",
    `validation:\n  b1: [val1]\n  b2: [val2]\nagents:\n  - login: ${AGENT}\n    domains: [database]\n${config}`,
  );
  for (let n = 1; n <= 12; n++)
    h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec", "domain:database"] });
  h.fake.addIssue(R, {
    number: 13,
    title: "SPEC 13",
    labels: ["spec", "domain:database"],
    body: "Depends on #14",
  });
  h.fake.addIssue(R, {
    number: 14,
    title: "SPEC 14",
    labels: ["spec", "domain:database"],
    assignees: ["zoe"],
  });
  return seedBatch(h.fake, R, { agent: AGENT, specs: [1, 2], number: 50 });
}

const batches = () =>
  [...h.fake.repo(R).issues.values()]
    .filter((i) => i.labels.includes("batch"))
    .sort((a, b) => a.number - b.number);
const botComments = (n: number) => h.fake.botComments(R, n);

async function command(author: string, body: string, n = 50, association = "NONE") {
  const payload = h.commentEvent(R, n, author, body);
  payload.comment.author_association = association;
  await h.receive("issue_comment", payload);
  return payload;
}

function reactionsOf(payload: Record<string, any>, n = 50) {
  return h.fake
    .issue(R, n)
    .comments.find((c) => c.databaseId === payload.comment.id)!
    .reactions.map((r) => r.content);
}

/** SPECs 1 and 2 validated and closed: batch #50 completes. */
async function completeBatch() {
  for (const n of [1, 2]) {
    await command("val1", "/batch approve b1", n, "COLLABORATOR");
    await command("val2", "/batch approve b2", n, "COLLABORATOR");
    await h.receive(
      "issues",
      h.issueEvent(R, n, "labeled", { sender: "batchbot[bot]", label: { name: "validated" } }),
    );
    Object.assign(h.fake.issue(R, n), { state: "CLOSED", stateReason: "COMPLETED" });
    await h.receive("issues", h.issueEvent(R, n, "closed"));
  }
  expect(h.fake.issue(R, 50).state).toBe("CLOSED");
}

describe("/batch next", () => {
  it("is refused while the agent's batch is open, and says so once", async () => {
    setup();
    const payload = await command(AGENT, "/batch next");
    expect(reactionsOf(payload)).toEqual(["eyes"]);
    expect(batches()).toHaveLength(1);
    expect(botComments(50)).toHaveLength(1);
    expect(botComments(50)[0]!.body).toContain("still has #50 open");
  });

  it("after the batch completes, opens the agent's next batch for that agent alone, with no reply", async () => {
    setup();
    await completeBatch();
    const payload = await command(AGENT, "/batch next");
    expect(reactionsOf(payload)).toEqual(["eyes"]);
    const [, next] = batches();
    expect(next).toBeDefined();
    expect(next!.title).toBe("Batch 2 for @alice: 10 SPECs");
    const meta = decodeBatchMeta(next!.body)!;
    expect(meta).toMatchObject({ agent: AGENT, sequence: 2, sourceCommentId: payload.comment.id });
    expect(meta.specs.sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(next!.assignees).toEqual([AGENT]);
    expect(h.fake.issue(R, 3).assignees).toEqual([AGENT]);
    expect(botComments(50)).toEqual([]);

    // Redelivered: nothing new, still no reply.
    await h.receive("issue_comment", payload);
    expect(batches()).toHaveLength(2);
    expect(botComments(50)).toEqual([]);
  });

  it("with nothing eligible, the reply says why (blocked, assigned)", async () => {
    setup();
    for (let n = 3; n <= 12; n++) h.fake.issue(R, n).assignees = ["zoe"];
    await completeBatch();
    await command(AGENT, "/batch next");
    expect(batches()).toHaveLength(1);
    const reply = botComments(50)[0]!.body;
    expect(reply).toContain("No SPEC is left that @\u2060alice can take.");
    expect(reply).toContain("**Blocked by dependencies** (1)");
    expect(reply).toContain("#13: waits on #14");
    expect(reply).toContain("**Already assigned outside batchbot** (11)");
  });

  it("with batch.pull-ahead, the agent may pull its next batch before finishing", async () => {
    setup("batch:\n  pull-ahead: true\n");
    await command(AGENT, "/batch next");
    expect(batches()).toHaveLength(2);
    expect(decodeBatchMeta(batches()[1]!.body)!.specs).not.toContain(1);
  });

  it("a maintainer may pull for any agent, anywhere; anyone else gets -1", async () => {
    setup();
    await completeBatch();
    const refused = await command("stranger", "/batch next @alice", 3);
    expect(reactionsOf(refused, 3)).toEqual(["-1"]);
    expect(batches()).toHaveLength(1);
    const accepted = await command("maint", "/batch next @alice", 3);
    expect(reactionsOf(accepted, 3)).toEqual(["eyes"]);
    expect(batches()).toHaveLength(2);
  });
});

describe("batch.auto-next", () => {
  it("opens the agent's next batch as soon as the last SPEC completes the batch", async () => {
    setup("batch:\n  auto-next: true\n");
    await completeBatch();
    const [done, next] = batches();
    expect(reportSection(done!.body)).toContain("## ✅ Completion report");
    expect(next?.title).toBe("Batch 2 for @alice: 10 SPECs");
    expect(decodeBatchMeta(next!.body)).toMatchObject({ sourceCommentId: -50, id: "-50:alice" });
    expect(taskLines(next!.body)).toHaveLength(10);
    expect(botComments(50)).toEqual([]);

    // The completing event redelivered: the batch is closed already, nothing more opens.
    await h.receive("issues", h.issueEvent(R, 2, "closed"));
    expect(batches()).toHaveLength(2);
  });

  it("the completing close costs the shared progress read and auto-next's refresh, not a third read", async () => {
    setup("batch:\n  auto-next: true\n");
    for (const n of [1, 2]) {
      await command("val1", "/batch approve b1", n, "COLLABORATOR");
      await command("val2", "/batch approve b2", n, "COLLABORATOR");
    }
    Object.assign(h.fake.issue(R, 1), { state: "CLOSED", stateReason: "COMPLETED" });
    await h.receive("issues", h.issueEvent(R, 1, "closed"));
    Object.assign(h.fake.issue(R, 2), { state: "CLOSED", stateReason: "COMPLETED" });
    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 2, "closed"));
    expect(batches()).toHaveLength(2);
    const refreshReads = h.fake.requests
      .filter((r) => r.path === "/graphql" && r.kind === "read")
      .map((r) => r.operation)
      .filter((o) => o === "BatchbotProgress" || o === "BatchbotSpecBatch");
    // One read for the batch issue and the board (the dashboard is open), one by auto-next's refresh after it
    // opened the next batch; the close's own refresh is covered by that one.
    expect(refreshReads).toEqual(["BatchbotProgress", "BatchbotProgress"]);
    const dashboards = [...h.fake.repo(R).issues.values()].filter((i) =>
      i.labels.includes("batch-dashboard"),
    );
    expect(dashboards).toHaveLength(1);
    // The dashboard shows the completed batch closed and the next one open: nothing was lost by skipping.
    expect(dashboards[0]!.body).toContain("| #50 | alice | 1 | closed | `██████████` 2/2 |");
    expect(dashboards[0]!.body).toMatch(/\| #\d+ \| alice \| 2 \| open \|/);
  });

  it("without it, a completed batch opens nothing", async () => {
    setup();
    await completeBatch();
    expect(batches()).toHaveLength(1);
  });
});

describe("SUCCESS PATTERN", () => {
  function registry(entries: Discovery[]): FakeIssue {
    return h.fake.addIssue(R, {
      number: 90,
      title: "📚 Knowledge registry",
      labels: ["knowledge"],
      body: renderKnowledgeBody({ v: 1, entries }, REPORT_TEXT).body,
      author: "batchbot[bot]",
    });
  }
  const entry = (id: number, agent: string, day: number, domains: string[]): Discovery => ({
    id,
    agent,
    at: `2026-11-${String(day).padStart(2, "0")}T12:00:00Z`,
    batch: 40,
    specs: [],
    domains,
    text: `finding ${id}`,
  });

  it("quotes the agent's discoveries and the latest from its domains, at most five, newest first", async () => {
    setup();
    registry([
      entry(1, AGENT, 1, ["ui"]),
      entry(2, "bob", 2, ["database"]),
      entry(3, "carol", 3, ["ui"]),
      entry(4, "dave", 4, ["database"]),
      entry(5, AGENT, 5, []),
      entry(6, "erin", 6, ["database"]),
      entry(7, "frank", 7, ["database"]),
    ]);
    await completeBatch();
    await command(AGENT, "/batch next");
    const body = batches()[1]!.body;
    expect(body).toContain("## 💡 SUCCESS PATTERN:");
    expect(body).toContain("From the knowledge registry (#90):");
    const quoted = [...body.matchAll(/: finding (\d+)$/gm)].map((m) => Number(m[1]));
    expect(quoted).toEqual([7, 6, 5, 4, 2]);
  });
});

describe("a batch opened by /batch assign", () => {
  it("follows its SPECs through the links /batch assign made, and closes when they are done", async () => {
    setup();
    await completeBatch();
    await command("maint", "/batch assign @alice --size 2", 3, "COLLABORATOR");
    const batch = batches()[1]!;
    const meta = decodeBatchMeta(batch.body)!;
    expect(meta.specs).toHaveLength(2);
    for (const n of meta.specs) expect(h.fake.issue(R, n).parent).toBe(batch.databaseId);
    h.fake.reset();
    const [first, second] = meta.specs as [number, number];
    await command("val1", "/batch approve b1", first, "COLLABORATOR");
    await command("val2", "/batch approve b2", first, "COLLABORATOR");
    await h.receive(
      "issues",
      h.issueEvent(R, first, "labeled", { sender: "batchbot[bot]", label: { name: "validated" } }),
    );
    Object.assign(h.fake.issue(R, first), { state: "CLOSED", stateReason: "COMPLETED" });
    await h.receive("issues", h.issueEvent(R, first, "closed"));
    expect(taskLines(h.fake.issue(R, batch.number).body).map((t) => t.checked)).toEqual([true, false]);
    expect(reportSection(h.fake.issue(R, batch.number).body)).toContain(`| #${second} | ⬜ open |`);
    // Two approvals on the SPEC count as messages of the batch.
    expect(decodeBatchMeta(h.fake.issue(R, batch.number).body)!.messages?.counted).toHaveLength(2);
  });
});
