import { afterEach, describe, expect, it } from "vitest";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { reportSection, taskLines } from "../../src/domain/batch-body.js";
import { decodeKnowledge } from "../../src/domain/knowledge.js";
import { GHOST } from "../helpers/fake-github.js";
import { BOT, createHarness, type Harness } from "../helpers/harness.js";
import {
  commentDeletedEvent,
  installLifecycleFake,
  secondInstance,
  seedBatch,
} from "../helpers/lifecycle.js";

const R = "acme/specs";
const AGENT = "alice";
let h: Harness;
afterEach(() => h?.fake.uninstall());

function setup(specs = [1, 2, 3], options: { shared?: number[] } = {}) {
  h = createHarness();
  installLifecycleFake(h.fake);
  const repo = h.fake.repo(R);
  repo.collaborators.set("maint", "write");
  repo.collaborators.set("reader", "read");
  // The validators are named, so the quality gate needs no permission reads.
  repo.files.set(".github/batch.yml", "validation:\n  b1: [val1]\n  b2: [val2]\n");
  for (const n of specs)
    h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec", "domain:database"] });
  return seedBatch(h.fake, R, { agent: AGENT, specs, number: 50, ...options });
}

const VALIDATORS_ONLY_CONFIG = "validation:\n  b1: [val1]\n  b2: [val2]\ndashboard:\n  enabled: false\n";
const batchIssue = () => h.fake.issue(R, 50);
const meta = () => decodeBatchMeta(batchIssue().body)!;
const report = () => reportSection(batchIssue().body) ?? "";
const reactions = (commentId: number, n = 50) =>
  h.fake
    .issue(R, n)
    .comments.find((c) => c.databaseId === commentId)!
    .reactions.map((r) => r.content);
const botComments = (n = 50) => h.fake.botComments(R, n);

async function command(author: string, body: string, association = "NONE", n = 50) {
  const payload = h.commentEvent(R, n, author, body);
  payload.comment.author_association = association;
  await h.receive("issue_comment", payload);
  return payload.comment.id as number;
}

/** Delivers the `issues` webhook GitHub sends for a label batchbot changed. */
async function labelEvent(
  n: number,
  action: "labeled" | "unlabeled",
  name: string,
  sender = "batchbot[bot]",
) {
  await h.receive("issues", h.issueEvent(R, n, action, { sender, label: { name, color: "0e8a16" } }));
}

/** B1 and B2 approve SPEC `n` by command; the quality gate labels it validated. */
async function validate(n: number) {
  await command("val1", "/batch approve b1", "COLLABORATOR", n);
  await command("val2", "/batch approve b2", "COLLABORATOR", n);
  expect(h.fake.issue(R, n).labels).toContain("validated");
  await labelEvent(n, "labeled", "validated");
}

/** Someone closes (or reopens) SPEC `n`; when the quality gate reopens it, GitHub's webhook for that follows. */
async function setState(
  n: number,
  state: "OPEN" | "CLOSED",
  reason: "COMPLETED" | "NOT_PLANNED" = "COMPLETED",
) {
  const issue = h.fake.issue(R, n);
  issue.state = state;
  issue.stateReason = state === "CLOSED" ? reason : "REOPENED";
  issue.closedAt = state === "CLOSED" ? "2026-11-26T12:00:00Z" : null;
  await h.receive("issues", h.issueEvent(R, n, state === "CLOSED" ? "closed" : "reopened"));
  if (state === "CLOSED" && h.fake.issue(R, n).state === "OPEN")
    await h.receive("issues", h.issueEvent(R, n, "reopened", { sender: "batchbot[bot]" }));
}

describe("/batch blocked and /batch unblocked", () => {
  it.each([
    { who: "the agent", author: AGENT, association: "NONE" },
    // GitHub marks a collaborator COLLABORATOR: that is what makes a maintainer's comment a message.
    { who: "a maintainer", author: "maint", association: "COLLABORATOR" },
  ])(
    "by $who: blocked label, reason and time in the report, counted; then cleared",
    async ({ author, association }) => {
      setup();
      const id = await command(author, "/batch blocked the staging database is down", association);
      expect(reactions(id)).toEqual(["eyes"]);
      expect(batchIssue().labels).toContain("blocked");
      expect(meta().blockers).toMatchObject([
        { reason: "the staging database is down", by: author, comment: id },
      ]);
      expect(report()).toContain("**Blocked:** 0 of 3 SPECs validated.");
      expect(report()).toMatch(
        /\*\*Blockers:\*\* 1 reported, 1 active\n {2}- 2026-\d\d-\d\d \d\d:\d\d UTC by @\u2060/,
      );
      expect(meta().messages?.counted).toEqual([id]);
      expect(botComments()).toEqual([]);

      const cleared = await command(author, "/batch unblocked", association);
      expect(reactions(cleared)).toEqual(["eyes"]);
      expect(batchIssue().labels).not.toContain("blocked");
      expect(meta().blockers?.[0]?.clearedAt).toBeTruthy();
      expect(report()).toContain("**Blockers:** 1 reported, none active");
      expect(report()).toContain("**In progress:**");
      expect(meta().messages?.counted).toEqual([id, cleared]);
      expect(botComments()).toEqual([]);
      expect(h.fake.unhandled).toEqual([]);
    },
  );

  it("the dashboard follows: it shows the blocker once the command is done", async () => {
    setup();
    await command(AGENT, "/batch blocked the staging database is down");
    const dashboard = [...h.fake.repo(R).issues.values()].find((i) => i.labels.includes("batch-dashboard"));
    expect(dashboard?.body).toContain("the staging database is down");
  });

  it("by anyone else: -1 and nothing changes", async () => {
    setup();
    const before = batchIssue().body;
    h.fake.reset();
    const id = await command("reader", "/batch blocked I don't like it", "CONTRIBUTOR");
    expect(reactions(id)).toEqual(["-1"]);
    expect(batchIssue().body).toBe(before);
    expect(batchIssue().labels).toEqual(["batch"]);
    expect(h.fake.requests.filter((r) => r.kind === "write").map((r) => r.path)).toEqual([
      `/repos/acme/specs/issues/comments/${id}/reactions`,
    ]);
  });

  it("without a reason: the usage, once; the comment still counts", async () => {
    setup();
    const id = await command(AGENT, "/batch blocked");
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]!.body).toContain("say what blocks the batch");
    expect(batchIssue().labels).not.toContain("blocked");
    expect(meta().messages?.counted).toEqual([id]);
  });

  it("a redelivered command records the blocker once and writes nothing more", async () => {
    setup();
    const payload = h.commentEvent(R, 50, AGENT, "/batch blocked waiting for keys");
    await h.receive("issue_comment", payload, "d1");
    const body = batchIssue().body;
    h.fake.reset();
    await h.receive("issue_comment", payload, "d1");
    expect(batchIssue().body).toBe(body);
    expect(meta().blockers).toHaveLength(1);
    expect(h.fake.requests.filter((r) => r.kind === "write" && !r.path.endsWith("/reactions"))).toEqual([]);
  });

  it("outside a batch issue: the usage says where it works", async () => {
    setup();
    await command(AGENT, "/batch blocked nope", "NONE", 1);
    expect(botComments(1)[0]!.body).toContain("works on a batch issue");
    expect(h.fake.issue(R, 1).labels).not.toContain("blocked");
  });

  it("a human editing the blocked batch issue doesn't lose its blocked label to dependency sync", async () => {
    setup();
    await command(AGENT, "/batch blocked waiting");
    const issue = batchIssue();
    const from = issue.body;
    issue.body = `${from}\n\nedited by hand`;
    await h.receive("issues", h.issueEvent(R, 50, "edited", { changes: { body: { from } } }));
    expect(batchIssue().labels).toContain("blocked");
  });
});

describe("who may give a lifecycle command", () => {
  const COMMANDS = [
    "/batch blocked waiting for keys",
    "/batch unblocked",
    "/batch found-existing #1 lib/x",
    "/batch discovery the index helps",
    "/batch done",
    "/batch release #1",
    "/batch next",
  ];

  it.each(COMMANDS)("`%s` by a stranger: -1, and nothing changes", async (body) => {
    setup();
    const before = JSON.stringify([...h.fake.repo(R).issues.values()]);
    const id = await command("reader", body, "CONTRIBUTOR");
    expect(reactions(id)).toEqual(["-1"]);
    const after = [...h.fake.repo(R).issues.values()].map((i) =>
      i.number === 50 ? { ...i, comments: i.comments.filter((c) => c.databaseId !== id) } : i,
    );
    expect(JSON.stringify(after)).toBe(before);
  });

  it.each(COMMANDS)("`%s` by a maintainer: accepted", async (body) => {
    setup();
    const id = await command("maint", body, "COLLABORATOR");
    expect(reactions(id)).toEqual(["eyes"]);
  });

  it.each(COMMANDS)("`%s` by the agent: accepted", async (body) => {
    setup();
    const id = await command(AGENT, body);
    expect(reactions(id)).toEqual(["eyes"]);
  });
});

describe("/batch found-existing", () => {
  it("labels the SPEC, records where, counts reuse; a SPEC outside the batch is refused", async () => {
    setup();
    const id = await command(AGENT, "/batch found-existing #2 src/db/users.ts already does this");
    expect(reactions(id)).toEqual(["eyes"]);
    expect(h.fake.issue(R, 2).labels).toContain("found-existing");
    expect(meta().foundExisting).toMatchObject([{ spec: 2, where: "src/db/users.ts already does this" }]);
    expect(report()).toContain("| #2 | ♻️ found existing, waiting for B1/B2 |");
    expect(report()).toContain(
      "**Reuse:** 1 of 3 SPECs found existing (33%): #2 in src/db/users.ts already does this",
    );

    await command(AGENT, "/batch found-existing #9");
    expect(botComments().at(-1)!.body).toContain("#9 is not in this batch (it holds #1, #2, #3)");
    await command(AGENT, "/batch found-existing twelve");
    expect(botComments().at(-1)!.body).toContain("name the SPEC");
  });

  it("a found-existing SPEC validated and closed completes the batch with the others", async () => {
    setup([1, 2]);
    await command(AGENT, "/batch found-existing #2 lib/api");
    await validate(2);
    expect(report()).toContain("| #2 | 🟢 validated, waiting to close |");
    await setState(2, "CLOSED");
    expect(report()).toContain("| #2 | ✅ validated |");
    await validate(1);
    await setState(1, "CLOSED");
    expect(batchIssue().state).toBe("CLOSED");
    expect(report()).toContain("**Reuse:** 1 of 2 SPECs found existing (50%): #2 in lib/api");
  });
});

describe("/batch discovery", () => {
  const registries = () => [...h.fake.repo(R).issues.values()].filter((i) => i.labels.includes("knowledge"));

  it("opens the knowledge registry on the first discovery and grows it in place, grouped by domain", async () => {
    setup();
    h.fake.addIssue(R, { number: 8, title: "UI", labels: ["spec", "domain:ui"] });
    const first = await command(AGENT, "/batch discovery #1 and #2 can share the users index (ask @bob)");
    expect(reactions(first)).toEqual(["eyes"]);
    expect(registries()).toHaveLength(1);
    const registry = registries()[0]!;
    expect(registry).toMatchObject({ title: "📚 Knowledge registry", state: "OPEN" });
    expect(registry.body).toContain("## database");
    expect(registry.body).toMatch(
      /- \d{4}-\d\d-\d\d · @\u2060alice · batch #50 · #1, #2: #\u20601 and #\u20602 can share the users index \(ask @\u2060bob\)/,
    );
    expect(meta().messages?.counted).toEqual([first]);

    await command("maint", "/batch discovery the #8 widgets reuse the table component", "COLLABORATOR");
    expect(registries()).toHaveLength(1);
    const grown = registries()[0]!;
    expect(grown.number).toBe(registry.number);
    expect(grown.body).toContain("## ui");
    expect(grown.body).toContain("@\u2060alice · via @\u2060maint · batch #50 · #8");
    expect(decodeKnowledge(grown.body).entries.map((e) => e.domains)).toEqual([["database"], ["ui"]]);
    expect(botComments()).toEqual([]);
    expect(grown.comments).toEqual([]);
  });

  it("a discovery naming no SPEC goes under the batch's domains; a redelivery adds nothing", async () => {
    setup();
    const payload = h.commentEvent(R, 50, AGENT, "/batch discovery migrations run faster with --no-lock");
    await h.receive("issue_comment", payload, "k1");
    await h.receive("issue_comment", payload, "k1");
    const entries = decodeKnowledge(registries()[0]!.body).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ agent: AGENT, batch: 50, specs: [], domains: ["database"] });
  });

  it("keeps the words as typed: inline code in a discovery, a blocked reason and a found-existing place", async () => {
    setup();
    await command(AGENT, "/batch discovery Migrations run with `npm run migrate`");
    expect(decodeKnowledge(registries()[0]!.body).entries.map((e) => e.text)).toEqual([
      "Migrations run with `npm run migrate`",
    ]);
    await command(AGENT, "/batch found-existing #2 in `src/db/users.ts`");
    expect(meta().foundExisting).toMatchObject([{ spec: 2, where: "in `src/db/users.ts`" }]);
    await command(AGENT, "/batch blocked waiting for `db:seed` on staging");
    expect(report()).toContain("waiting for `db:seed` on staging");
  });

  it("concurrent discoveries on two app instances all land in one registry", async () => {
    setup();
    h.fake.label(h.fake.repo(R), "knowledge");
    await command(AGENT, "/batch discovery first, opens the registry");
    const other = secondInstance();
    const payloads = [1, 2, 3, 4].map((i) => h.commentEvent(R, 50, AGENT, `/batch discovery finding ${i}`));
    await Promise.all(
      payloads.map((p, i) => (i % 2 ? other("issue_comment", p) : h.receive("issue_comment", p))),
    );
    expect(registries()).toHaveLength(1);
    const texts = decodeKnowledge(registries()[0]!.body).entries.map((e) => e.text);
    expect(texts.sort()).toEqual([
      "finding 1",
      "finding 2",
      "finding 3",
      "finding 4",
      "first, opens the registry",
    ]);
  });

  it("two instances opening the registry at once end with one registry holding both", async () => {
    setup();
    h.fake.label(h.fake.repo(R), "knowledge");
    const other = secondInstance();
    const a = h.commentEvent(R, 50, AGENT, "/batch discovery from instance one");
    const b = h.commentEvent(R, 50, AGENT, "/batch discovery from instance two");
    await Promise.all([h.receive("issue_comment", a), other("issue_comment", b)]);
    const open = registries().filter((i) => i.state === "OPEN");
    expect(open).toHaveLength(1);
    expect(
      decodeKnowledge(open[0]!.body)
        .entries.map((e) => e.text)
        .sort(),
    ).toEqual(["from instance one", "from instance two"]);
  });

  it("without text: the usage", async () => {
    setup();
    await command(AGENT, "/batch discovery");
    expect(botComments()[0]!.body).toContain("write what you found");
    expect(registries()).toEqual([]);
  });
});

describe("/batch done", () => {
  it("with SPECs missing: the report says what is missing and the batch stays open", async () => {
    setup();
    h.fake.issue(R, 1).labels.push("validated");
    Object.assign(h.fake.issue(R, 1), { state: "CLOSED", stateReason: "COMPLETED" });
    Object.assign(h.fake.issue(R, 2), { state: "CLOSED", stateReason: "COMPLETED" });
    h.fake.issue(R, 3).labels.push("in-review");
    const id = await command(AGENT, "/batch done");
    expect(reactions(id)).toEqual(["eyes"]);
    expect(batchIssue().state).toBe("OPEN");
    expect(report()).toContain(
      "**Missing for completion:** #2 (merged, awaiting validation), #3 (in review).",
    );
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([true, true, false]);
    expect(botComments()).toEqual([]);
  });

  it("with every SPEC closed and validated: the completion report, and the batch closes as completed", async () => {
    setup();
    for (const n of [1, 2, 3])
      Object.assign(h.fake.issue(R, n), {
        state: "CLOSED",
        stateReason: "COMPLETED",
        labels: ["spec", "validated"],
      });
    const id = await command(AGENT, "/batch done");
    expect(reactions(id)).toEqual(["eyes"]);
    expect(batchIssue()).toMatchObject({ state: "CLOSED", stateReason: "COMPLETED" });
    expect(report()).toContain("## ✅ Completion report");
    expect(report()).toContain("**Complete:** 3 of 3 SPECs validated");
    // The assignment, the `/batch done` comment and the completion report.
    expect(meta().messages).toEqual({ counted: [id], total: 3 });
    expect(meta().completedAt).toBeTruthy();
    expect(botComments()).toEqual([]);

    await command(AGENT, "/batch done");
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]!.body).toContain("batch #50 is closed, so nothing changed");
  });
});

describe("automatic progress", () => {
  it("ticks and unticks the task list as SPECs close and reopen, one body write per change", async () => {
    setup();
    await validate(1);
    expect(report()).toContain("| #1 | 🟢 validated, waiting to close |");
    await setState(1, "CLOSED");
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([true, false, false]);
    expect(report()).toContain("| #1 | ✅ validated |");
    await setState(1, "OPEN");
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([false, false, false]);
    expect(report()).toContain("| #1 | 🟢 validated, waiting to close |");
    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 1, "reopened"));
    expect(h.fake.requests.filter((r) => r.operation === "BatchbotWrites")).toEqual([]);
    expect(botComments()).toEqual([]);
  });

  it("a SPEC closed before validation is reopened by the quality gate, and its batch shows it open", async () => {
    setup();
    // The seeded body brought to batchbot's form first (the gate's follow would add the report to it).
    await h.jobs.reconcile();
    const before = batchIssue().body;
    expect(report()).toContain("| #2 | ⬜ open |");
    await setState(2, "CLOSED");
    expect(h.fake.issue(R, 2).state).toBe("OPEN");
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([false, false, false]);
    expect(batchIssue().body).toBe(before);
  });

  it("the last SPEC closed and validated completes the batch: completion report, closed as completed", async () => {
    setup([1, 2]);
    await validate(1);
    await setState(1, "CLOSED");
    await validate(2);
    expect(batchIssue().state).toBe("OPEN");
    await setState(2, "CLOSED");
    expect(batchIssue()).toMatchObject({ state: "CLOSED", stateReason: "COMPLETED" });
    expect(report()).toContain("## ✅ Completion report");
    expect(report()).toContain("**Complete:** 2 of 2 SPECs validated");
    expect(botComments()).toEqual([]);
  });

  it("a SPEC closed as not planned needs no validation", async () => {
    setup([1, 2]);
    await validate(1);
    await setState(1, "CLOSED");
    await setState(2, "CLOSED", "NOT_PLANNED");
    expect(batchIssue().state).toBe("CLOSED");
    expect(report()).toContain("**Complete:** 1 of 2 SPECs validated, 1 closed as not planned");
  });

  it("follows review labels a person sets; batchbot's own label events cost nothing", async () => {
    setup();
    h.fake.issue(R, 3).labels.push("in-review");
    await labelEvent(3, "labeled", "in-review", "maintainer");
    expect(report()).toContain("| #3 | 🔵 in review |");
    h.fake.issue(R, 3).labels.push("changes-requested");
    await labelEvent(3, "labeled", "changes-requested", "maintainer");
    expect(report()).toContain("| #3 | 🔴 changes requested |");
    h.fake.issue(R, 3).labels.push("ready");
    h.fake.reset();
    await labelEvent(3, "labeled", "ready");
    expect(h.fake.requests).toEqual([]);
  });

  it("SPECs in no batch cost no batch read", async () => {
    setup();
    h.fake.addIssue(R, { number: 7, title: "free", labels: ["spec"] });
    h.fake.reset();
    await setState(7, "CLOSED", "NOT_PLANNED");
    expect(h.fake.requests.filter((r) => r.operation?.startsWith("BatchbotSpecBatch"))).toEqual([]);
  });

  it("a shared SPEC (no sub-issue link) updates every open batch that lists it", async () => {
    setup([1, 2], { shared: [2] });
    h.fake.addIssue(R, { number: 3, title: "SPEC 3", labels: ["spec"] });
    seedBatch(h.fake, R, { agent: "bob", specs: [3, 2], shared: [2], number: 60 });
    await setState(2, "CLOSED", "NOT_PLANNED");
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([false, true]);
    expect(taskLines(h.fake.issue(R, 60).body).map((t) => t.checked)).toEqual([false, true]);
  });
});

describe("/batch release", () => {
  it("returns the named SPECs to the pool: unassigned, unlinked, struck through", async () => {
    setup();
    const id = await command(AGENT, "/batch release #2");
    expect(reactions(id)).toEqual(["eyes"]);
    expect(h.fake.issue(R, 2).assignees).toEqual([]);
    expect(h.fake.issue(R, 2).parent).toBeNull();
    expect(batchIssue().subIssues).toHaveLength(2);
    expect(batchIssue().body).toContain("- ~~#2 SPEC 2~~ (released)");
    expect(meta().specs).toEqual([1, 3]);
    expect(report()).not.toContain("| #2 |");
    expect(taskLines(batchIssue().body).map((t) => t.spec)).toEqual([1, 3]);
  });

  it("without SPECs, releases every unfinished one; the batch completes with what is left", async () => {
    setup();
    Object.assign(h.fake.issue(R, 1), {
      state: "CLOSED",
      stateReason: "COMPLETED",
      labels: ["spec", "validated"],
    });
    await command("maint", "/batch release", "COLLABORATOR");
    expect(meta().specs).toEqual([1]);
    expect(h.fake.issue(R, 2).assignees).toEqual([]);
    expect(h.fake.issue(R, 3).assignees).toEqual([]);
    expect(h.fake.issue(R, 1).assignees).toEqual([AGENT]);
    expect(batchIssue()).toMatchObject({ state: "CLOSED", stateReason: "COMPLETED" });
  });

  it("releasing every SPEC closes the batch as not planned; a stranger can't release", async () => {
    setup([1]);
    const refused = await command("reader", "/batch release #1", "CONTRIBUTOR");
    expect(reactions(refused)).toEqual(["-1"]);
    expect(meta().specs).toEqual([1]);
    await command(AGENT, "/batch release #1");
    expect(batchIssue()).toMatchObject({ state: "CLOSED", stateReason: "NOT_PLANNED" });
    expect(h.fake.issue(R, 1).assignees).toEqual([]);
  });
});

describe("message accounting", () => {
  it("counts the agent's and maintainers' comments on the batch and its SPECs while the batch is open", async () => {
    setup([1, 2]);
    await command(AGENT, "Starting with #1.");
    await command("maint", "Note: #2 needs the new schema.", "COLLABORATOR", 2);
    await command("stranger", "+1", "NONE", 2);
    await command(AGENT, "Question on the schema?", "NONE", 1);
    expect(meta().messages?.counted).toHaveLength(3);
    expect(report()).toContain("**Messages:** 4 for 2 SPECs");

    // A redelivery doesn't count twice; a deleted comment is no message any more.
    const again = h.commentEvent(R, 50, AGENT, "Done with #1 soon");
    await h.receive("issue_comment", again, "x1");
    await h.receive("issue_comment", again, "x1");
    expect(meta().messages?.counted).toHaveLength(4);
    await h.receive("issue_comment", commentDeletedEvent(h, R, 50, again.comment.id));
    expect(meta().messages?.counted).toHaveLength(3);

    await command(AGENT, "/batch done");
    for (const n of [1, 2]) {
      await validate(n);
      await setState(n, "CLOSED");
    }
    expect(batchIssue().state).toBe("CLOSED");
    // 1 assignment + 3 comments + /batch done + 4 validator approvals + 1 completion report.
    expect(meta().messages?.total).toBe(10);
    expect(report()).toContain("**Messages:** 10 for 2 SPECs (one SPEC at a time takes 6–8)");

    // Once the batch is closed, comments no longer count.
    await command(AGENT, "Thanks!");
    expect(meta().messages?.total).toBe(10);
    expect(botComments()).toEqual([]);
  });
});

describe("message counts are derived from the batch issue's comments", () => {
  /** A comment GitHub has but whose delivery never reached batchbot. */
  const lost = (author: string, association: string, body = "lost") => {
    const comment = h.fake.addComment(R, 50, author, body);
    comment.authorAssociation = association;
    return comment.databaseId;
  };

  it("the next write counts comments whose delivery was lost, by the agent and maintainers only", async () => {
    setup();
    h.fake
      .repo(R)
      .files.set(".github/batch.yml", 'validation:\n  b1: [val1]\n  b2: [val2]\nbots: ["listed-ci[bot]"]\n');
    const agent = lost(AGENT, "NONE");
    const member = lost("teammate", "MEMBER");
    lost("stranger", "CONTRIBUTOR");
    lost(GHOST, "NONE");
    // Bots count as people do only when listed under `bots:`; batchbot never does.
    lost("other-ci[bot]", "COLLABORATOR");
    lost(BOT, "COLLABORATOR");
    lost("unlisted-ci[bot]", "NONE");
    const listed = lost("listed-ci[bot]", "COLLABORATOR");
    const owner = await command("lead", "Any news?", "OWNER");
    expect(meta().messages?.counted).toEqual([agent, member, listed, owner]);
    expect(report()).toContain("**Messages:** 5 for 3 SPECs");

    // A comment deleted while batchbot heard nothing: the next write counts it out.
    h.fake.issue(R, 50).comments = h.fake.issue(R, 50).comments.filter((c) => c.databaseId !== member);
    await command(AGENT, "/batch done");
    expect(meta().messages?.counted).toHaveLength(4);
    expect(meta().messages?.counted).not.toContain(member);
  });

  it("a comment on the batch issue costs one read and at most one write; its redelivery writes nothing", async () => {
    setup();
    h.fake.repo(R).files.set(".github/batch.yml", VALIDATORS_ONLY_CONFIG);
    await command(AGENT, "Warming up.");
    h.fake.reset();
    const payload = h.commentEvent(R, 50, AGENT, "Starting with #1.");
    payload.comment.author_association = "NONE";
    await h.receive("issue_comment", payload, "c1");
    const batchbot = h.fake.requests.filter((r) => r.operation?.startsWith("Batchbot"));
    expect(batchbot.map((r) => `${r.kind} ${r.operation}`)).toEqual([
      "read BatchbotBatchStates",
      "write BatchbotWrites",
    ]);
    expect(meta().messages?.counted).toHaveLength(2);
    h.fake.reset();
    await h.receive("issue_comment", payload, "c1");
    expect(h.fake.writes).toBe(0);
  });

  it("a batch issue with more than 100 comments costs one more read per 100", async () => {
    setup();
    h.fake.repo(R).files.set(".github/batch.yml", VALIDATORS_ONLY_CONFIG);
    for (let i = 0; i < 150; i++) lost(i % 2 ? AGENT : "stranger", "NONE");
    h.fake.reset();
    await command(AGENT, "/batch done");
    const reads = h.fake.requests.filter((r) => r.operation?.startsWith("BatchbotBatch"));
    expect(reads.map((r) => r.operation)).toEqual(["BatchbotBatchStates", "BatchbotBatchComments"]);
    expect(meta().messages?.counted).toHaveLength(76);
  });
});

describe("request budgets", () => {
  // The lifecycle's own requests: without a board or a dashboard to keep (they follow with their own budget).
  const VALIDATORS_ONLY = "validation:\n  b1: [val1]\n  b2: [val2]\ndashboard:\n  enabled: false\n";

  it("a SPEC closing updates its batch with one read and one write (besides configuration and dependency sync)", async () => {
    setup();
    h.fake.repo(R).files.set(".github/batch.yml", VALIDATORS_ONLY);
    await validate(1);
    h.fake.reset();
    await setState(1, "CLOSED");
    const mine = h.fake.requests.filter(
      (r) =>
        r.operation?.startsWith("BatchbotSpecBatch") ||
        (r.operation === "BatchbotWrites" && JSON.stringify(r.body).includes("updateIssue")),
    );
    expect(mine.map((r) => r.kind)).toEqual(["read", "write"]);
    const config = h.fake.requests.filter((r) => r.path.includes("/contents/"));
    expect(config.length).toBeLessThanOrEqual(2);
    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 1, "closed"));
    expect(h.fake.requests.filter((r) => r.kind === "write")).toEqual([]);
  });

  it("closing a SPEC of a batch in a repository of 600 SPECs that makes 20 ready: ≤ 9 reads, ≤ 2 writes in all", async () => {
    h = createHarness();
    installLifecycleFake(h.fake);
    h.fake.repo(R).files.set(".github/batch.yml", VALIDATORS_ONLY);
    h.fake.addIssue(R, { number: 1, title: "Foundation", labels: ["spec", "ready", "validated"] });
    h.fake.addComment(R, 1, "val1", "/batch approve b1");
    h.fake.addComment(R, 1, "val2", "/batch approve b2");
    for (let n = 2; n <= 21; n++)
      h.fake.addIssue(R, {
        number: n,
        title: `Waits for 1 (${n})`,
        labels: ["spec", "blocked"],
        body: "Depends on #1",
      });
    for (let n = 22; n <= 600; n++)
      h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec", "ready"] });
    seedBatch(h.fake, R, { agent: AGENT, specs: [1, 22, 23], number: 601 });
    Object.assign(h.fake.issue(R, 1), { state: "CLOSED", stateReason: "COMPLETED" });
    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 1, "closed"));
    const log = h.fake.requests.map((r) => `${r.kind} ${r.method} ${r.path} ${r.operation ?? ""}`);
    // Configuration 1, dependency sync 6 registry pages + 1 label write, the quality gate's close guard 1 read,
    // the batch 1 read + 1 body write.
    expect(h.fake.reads, log.join("\n")).toBeLessThanOrEqual(9);
    expect(h.fake.writes, log.join("\n")).toBeLessThanOrEqual(2);
    expect(taskLines(h.fake.issue(R, 601).body)[0]).toEqual({ spec: 1, checked: true });
    expect(h.fake.issue(R, 2).labels).toEqual(["spec", "ready"]);
    console.log(
      `600 SPECs, SPEC in a batch closed: ${h.fake.reads} reads, ${h.fake.writes} writes\n  ${log.join("\n  ")}`,
    );
  });

  it("a command on a batch issue: one batch read, one write, one reaction", async () => {
    setup();
    h.fake.repo(R).files.set(".github/batch.yml", VALIDATORS_ONLY);
    h.fake.label(h.fake.repo(R), "blocked");
    h.fake.reset();
    await command(AGENT, "/batch blocked waiting");
    const kinds = h.fake.requests.map((r) => `${r.kind} ${r.operation ?? r.path}`);
    expect(kinds.filter((k) => k.includes("Batchbot"))).toEqual([
      "read BatchbotBatchStates",
      "write BatchbotWrites",
    ]);
    expect(kinds.filter((k) => k.startsWith("write"))).toHaveLength(2);
  });
});

describe("/batch sync", () => {
  it("rebuilds stale batch task lists and says which batch issues it repaired", async () => {
    setup();
    // A SPEC closed while batchbot was down: the batch issue never heard of it.
    const spec = h.fake.issue(R, 2);
    spec.state = "CLOSED";
    spec.stateReason = "NOT_PLANNED";
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([false, false, false]);
    h.fake.repo(R).collaborators.set("maintainer", "write");
    h.fake.addIssue(R, { number: 99, title: "Operations" });
    await command("maintainer", "/batch sync", "MEMBER", 99);
    expect(taskLines(batchIssue().body).map((t) => t.checked)).toEqual([false, true, false]);
    const reply = h.fake.botComments(R, 99).at(-1)!.body;
    expect(reply, reply).toContain("- Batch issues: #50 brought up to date (of 1 open)");

    h.fake.reset();
    await command("maintainer", "/batch sync", "MEMBER", 99);
    expect(h.fake.botComments(R, 99).at(-1)!.body).toContain("- Batch issues: all 1 open ones right");
    expect(
      h.fake.requests.filter(
        (r) => r.operation === "BatchbotWrites" && JSON.stringify(r.body).includes("updateIssue"),
      ),
    ).toEqual([]);
  });
});
