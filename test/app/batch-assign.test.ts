import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { syntheticIssues } from "../../bench/synthetic-specs.js";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { parseBatchData } from "../../src/domain/batch-data.js";
import { WORD_JOINER } from "../../src/domain/mention-escape.js";
import type { IssueRecord } from "../../src/domain/spec.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { issueOf, type SpecShape } from "../helpers/specs.js";

const REPO = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

interface Setup {
  specs: Array<SpecShape | IssueRecord>;
  agents?: Array<{ login: string; domains?: string[] }>;
  /** Agents that are not collaborators (GitHub can't assign them). */
  outsiders?: string[];
  config?: Record<string, unknown>;
  template?: string;
}

/** A repository with SPECs, a planning issue to comment on, a maintainer `lead` and the agents as collaborators. */
function setup({ specs, agents = [], outsiders = [], config = {}, template }: Setup): number {
  h = createHarness();
  const repo = h.fake.repo(REPO);
  for (const spec of specs) {
    const issue = "n" in spec ? issueOf(spec) : spec;
    h.fake.addIssue(REPO, {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      labels: issue.labels,
      state: issue.state,
      stateReason: issue.stateReason === "DUPLICATE" ? "NOT_PLANNED" : issue.stateReason,
      assignees: issue.assignees,
    });
  }
  repo.files.set(".github/batch.yml", stringify({ agents, ...config }));
  if (template !== undefined) repo.files.set(".github/batch-template.md", template);
  repo.collaborators.set("lead", "maintain");
  for (const a of agents)
    if (!outsiders.includes(a.login)) repo.collaborators.set(a.login.toLowerCase(), "write");
  return h.fake.addIssue(REPO, { title: "Sprint planning" }).number;
}

async function command(issue: number, body: string, author = "lead", id?: string) {
  const payload = h.commentEvent(REPO, issue, author, body);
  await h.receive("issue_comment", payload, id);
  return payload;
}

const batchIssues = () => [...h.fake.repo(REPO).issues.values()].filter((i) => i.labels.includes("batch"));
const metaOf = (issue: FakeIssue) => decodeBatchMeta(issue.body)!;
const replies = (issue: number) => h.fake.botComments(REPO, issue);
const writes = () => h.fake.requests.filter((r) => r.kind === "write");

function expectNoSpecInTwoOpenBatches() {
  const seen = new Map<number, number>();
  for (const b of batchIssues().filter((i) => i.state === "OPEN"))
    for (const n of metaOf(b).specs) {
      expect(seen.get(n), `#${n} is in #${seen.get(n)} and #${b.number}`).toBeUndefined();
      seen.set(n, b.number);
    }
}

const FOUR_AGENTS = [
  { login: "db-opus", domains: ["database"] },
  { login: "algo-opus", domains: ["algorithm"] },
  { login: "int-opus", domains: ["integration"] },
  { login: "ui-opus", domains: ["ui"] },
];

describe("/batch assign", () => {
  it("opens one batch issue per agent, assigns it and links its SPECs, and answers once", async () => {
    const planning = setup({
      specs: [
        { n: 1, domain: "database", partial: true, title: "Users table", body: "## Remaining\n- add index" },
        { n: 2, domain: "database", priority: "high" },
        { n: 3, domain: "integration", deps: [4] },
        { n: 4, domain: "integration" },
        { n: 5, domain: "ui", deps: [3] },
        { n: 6 },
      ],
      agents: FOUR_AGENTS,
    });
    await command(planning, "Let's go.\n/batch assign");
    expect(h.fake.unhandled).toEqual([]);

    const opened = batchIssues();
    // #6 has no domain, so it goes to whoever's turn finds nothing else: algo-opus.
    expect(opened.map((i) => i.title)).toEqual([
      "Batch 1 for @db-opus: 2 SPECs",
      "Batch 1 for @algo-opus: 1 SPEC",
      "Batch 1 for @int-opus: 2 SPECs",
    ]);
    const [db, algo, int] = opened as [FakeIssue, FakeIssue, FakeIssue];
    const commandId = h.fake.issue(REPO, planning).comments[0]!.databaseId;
    expect(metaOf(db)).toMatchObject({ id: `${commandId}:db-opus`, specs: [1, 2], fixes: [1], sequence: 1 });
    expect(db.body).toContain("- [ ] 1. #1 Users table · database — **fix:** add index");
    expect(metaOf(algo).specs).toEqual([6]);
    expect(metaOf(int).specs).toEqual([4, 3]);
    for (const b of opened) {
      expect(b.assignees).toEqual([metaOf(b).agent]);
      expect(b.labels).toEqual(["batch"]);
      expect(b.subIssues).toEqual(metaOf(b).specs.map((n) => h.fake.issue(REPO, n).databaseId));
      for (const n of metaOf(b).specs) expect(h.fake.issue(REPO, n).assignees).toEqual([metaOf(b).agent]);
    }
    expect(h.fake.issue(REPO, 5).assignees).toEqual([]);

    const [reply] = replies(planning);
    expect(replies(planning)).toHaveLength(1);
    expect(reply!.body).toContain(`| #${db.number} | @${WORD_JOINER}db-opus | 2 | 1 | 1 | 0 |`);
    expect(reply!.body).toContain(`#5: waits on #3 (planned for @${WORD_JOINER}int-opus)`);
    expect(reply!.body).toContain(`No work for @${WORD_JOINER}ui-opus`);
    const comment = h.fake.issue(REPO, planning).comments[0]!;
    expect(comment.reactions).toEqual([{ content: "eyes", user: "batchbot[bot]" }]);
  });

  it("refuses someone without write access with a -1 and writes nothing else", async () => {
    const planning = setup({ specs: [{ n: 1 }], agents: FOUR_AGENTS });
    h.fake.repo(REPO).collaborators.set("visitor", "triage");
    h.fake.reset();
    await command(planning, "/batch assign", "visitor");
    expect(batchIssues()).toEqual([]);
    expect(replies(planning)).toEqual([]);
    expect(writes().map((r) => r.path)).toEqual([
      `/repos/${REPO}/issues/comments/${h.fake.issue(REPO, planning).comments[0]!.databaseId}/reactions`,
    ]);
    expect(h.fake.issue(REPO, planning).comments[0]!.reactions).toEqual([
      { content: "-1", user: "batchbot[bot]" },
    ]);
  });

  it("lets configured commanders, users or team members, assign", async () => {
    const planning = setup({
      specs: [{ n: 1 }, { n: 2 }],
      agents: [{ login: "alice" }],
      config: { commanders: ["pm", "@acme/planners"] },
    });
    h.fake.teams.set("acme/planners", new Set(["tess"]));
    await command(planning, "/batch assign --size 1", "pm");
    await command(planning, "/batch assign --size 1", "tess");
    expect(batchIssues().map((i) => i.title)).toEqual([
      "Batch 1 for @alice: 1 SPEC",
      "Batch 2 for @alice: 1 SPEC",
    ]);
  });

  it("previews with --dry-run (and /batch plan): one reply, nothing else written", async () => {
    const planning = setup({
      specs: [{ n: 1, title: "Ping @boss about #7" }, { n: 2 }],
      agents: [{ login: "alice" }],
    });
    for (const text of ["/batch assign --dry-run", "/batch plan"]) {
      h.fake.reset();
      await command(planning, text);
      expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST /repos/${REPO}/issues/${planning}/comments`,
      ]);
    }
    expect(batchIssues()).toEqual([]);
    const [first, second] = replies(planning);
    expect(first!.body).toContain("Batch plan (dry run: nothing was written)");
    expect(first!.body).toContain(`Ping @${WORD_JOINER}boss about #${WORD_JOINER}7`);
    expect(second!.body.replace(/"to":\d+/, "")).toBe(first!.body.replace(/"to":\d+/, ""));
  });

  it("opens nothing new when the command is redelivered", async () => {
    const planning = setup({
      specs: syntheticIssues({ specs: 36, edges: 10, domains: ["api", "ui"] }),
      agents: [{ login: "a" }, { login: "b" }, { login: "c" }],
    });
    const payload = h.commentEvent(REPO, planning, "lead", "/batch assign");
    await h.receive("issue_comment", payload, "delivery-A");
    const before = batchIssues().length;
    expect(before).toBe(3);
    h.fake.reset();
    await h.receive("issue_comment", payload, "delivery-A");
    expect(batchIssues()).toHaveLength(before);
    expect(replies(planning)).toHaveLength(1);
    // The eyes reaction is the only write, and GitHub keeps one per user and kind.
    expect(writes().map((r) => r.path)).toEqual([expect.stringMatching(/\/reactions$/)]);
  });

  it("finishes an interrupted command on redelivery without opening anything twice", async () => {
    const agents = ["a1", "a2", "a3", "a4", "a5", "a6"].map((login) => ({ login }));
    const planning = setup({ specs: syntheticIssues({ specs: 36, edges: 0, domains: ["api"] }), agents });
    let created = 0;
    h.fake.failNext({
      field: "createIssue",
      match: () => ++created > 3,
      times: 3,
      status: 200,
      errorType: "UNPROCESSABLE",
      message: "was submitted too quickly",
    });
    const payload = h.commentEvent(REPO, planning, "lead", "/batch assign");
    await h.receive("issue_comment", payload, "first");
    expect(batchIssues().map((i) => metaOf(i).agent)).toEqual(["a1", "a2", "a3"]);
    const [reply] = replies(planning);
    expect(reply!.body).toContain(
      `No batch issue could be opened for @${WORD_JOINER}a4, @${WORD_JOINER}a5, @${WORD_JOINER}a6`,
    );
    expect(reply!.body).toContain("was submitted too quickly");

    await h.receive("issue_comment", payload, "redelivery");
    expect(batchIssues().map((i) => metaOf(i).agent)).toEqual(["a1", "a2", "a3", "a4", "a5", "a6"]);
    expect(batchIssues().map((i) => i.title.replace(/: .*/, ""))).toEqual(
      agents.map((a) => `Batch 1 for @${a.login}`),
    );
    expectNoSpecInTwoOpenBatches();
    for (const b of batchIssues()) {
      expect(b.assignees).toEqual([metaOf(b).agent]);
      expect(b.subIssues).toHaveLength(6);
    }
    expect(replies(planning)).toHaveLength(1);
    expect(replies(planning)[0]!.body).toContain("Opened 6 batches for 36 SPECs");
    expect(replies(planning)[0]!.body).not.toContain("could be opened");

    h.fake.reset();
    await h.receive("issue_comment", payload, "third");
    expect(batchIssues()).toHaveLength(6);
    expect(writes()).toHaveLength(1);
  });

  it("finishes assignments and sub-issue links that a failed write left out", async () => {
    const planning = setup({
      specs: syntheticIssues({ specs: 24, edges: 0, domains: ["api"] }),
      agents: [{ login: "a" }, { login: "b" }],
    });
    // Writes go out as: the batch label, the two batch issues, then assignments and sub-issues: the third fails.
    let writeRequests = 0;
    h.fake.failNext({
      match: (r) => r.operation === "BatchbotWrites" && ++writeRequests === 3,
      status: 502,
      message: "Bad gateway",
    });
    const payload = h.commentEvent(REPO, planning, "lead", "/batch assign");
    await h.receive("issue_comment", payload, "first");
    expect(batchIssues()).toHaveLength(2);
    expect(batchIssues().flatMap((b) => b.subIssues)).toEqual([]);
    expect(replies(planning)[0]!.body).toContain("Bad gateway");
    expect(h.fake.issue(REPO, 1).assignees).toEqual([]);

    await h.receive("issue_comment", payload, "again");
    expect(batchIssues()).toHaveLength(2);
    for (const b of batchIssues()) {
      expect(b.subIssues).toHaveLength(10);
      for (const n of metaOf(b).specs) expect(h.fake.issue(REPO, n).assignees).toEqual([metaOf(b).agent]);
    }
    expect(replies(planning)).toHaveLength(1);
    const revised = replies(planning)[0]!.body;
    expect(revised).not.toContain("refused");
    expect(revised).toContain("Opened 2 batches for 20 SPECs");
    expect(revised).toContain("**No room left: every batch is full** (4): ");
    expect(revised).not.toContain("No agent takes");
  });

  it("never puts a SPEC in two batches when two commands arrive at once", async () => {
    const planning = setup({
      specs: syntheticIssues({ specs: 30, edges: 0, domains: ["api", "ui"] }),
      agents: [{ login: "a" }, { login: "b" }],
    });
    await Promise.all([command(planning, "/batch assign"), command(planning, "/batch assign @c @d")]);
    // The second command waits for the first and plans from what is left: 10 SPECs for two agents.
    expect(batchIssues().map((b) => metaOf(b).specs.length)).toEqual([10, 10, 5, 5]);
    expectNoSpecInTwoOpenBatches();
    expect(replies(planning)).toHaveLength(2);
  });

  it("gives a second batch to an agent who has one, numbered after it, and moves SPECs out of closed batches", async () => {
    const planning = setup({ specs: [{ n: 1 }, { n: 2 }, { n: 3 }], agents: [{ login: "alice" }] });
    await command(planning, "/batch assign --size 2");
    const [first] = batchIssues();
    h.fake.issue(REPO, 1).state = "CLOSED";
    h.fake.issue(REPO, 1).stateReason = "COMPLETED";
    first!.state = "CLOSED";
    h.fake.issue(REPO, 2).assignees = [];
    await command(planning, "/batch assign");
    const second = batchIssues()[1]!;
    expect(second.title).toBe("Batch 2 for @alice: 2 SPECs");
    expect(metaOf(second).specs).toEqual([2, 3]);
    expect(second.subIssues).toEqual([2, 3].map((n) => h.fake.issue(REPO, n).databaseId));
    expect(first!.subIssues).toEqual([h.fake.issue(REPO, 1).databaseId]);
    expect(second.body).toContain(
      `## 💡 SUCCESS PATTERN:\nBuild on what your earlier batches found:\n- Batch 1 (#${first!.number}): completed #1`,
    );
  });

  it("still opens a batch for an agent GitHub can't assign, and says so", async () => {
    const planning = setup({
      specs: [{ n: 1 }],
      agents: [{ login: "stranger-bot" }],
      outsiders: ["stranger-bot"],
    });
    await command(planning, "/batch assign");
    const [batch] = batchIssues();
    expect(batch!.assignees).toEqual([]);
    expect(batch!.body).toContain("# 🚀 BATCH ASSIGNMENT - @stranger-bot");
    expect(h.fake.issue(REPO, 1).assignees).toEqual([]);
    expect(batch!.subIssues).toEqual([h.fake.issue(REPO, 1).databaseId]);
    expect(replies(planning)[0]!.body).toContain(
      `@${WORD_JOINER}stranger-bot can't be assigned in this repository`,
    );
  });

  it("mentions nobody but the agent: titles and notes are escaped", async () => {
    const planning = setup({
      specs: [
        {
          n: 1,
          title: "Ask @carol and @acme/db about #2",
          partial: true,
          body: "## Remaining\n- wait for @dave",
        },
        { n: 2 },
      ],
      agents: [{ login: "alice" }],
    });
    await command(planning, "/batch assign");
    const [batch] = batchIssues();
    // Code blocks and HTML comments notify nobody: the batch data keeps titles as written there.
    const rendered = batch!.body.replace(/```json\n[\s\S]*?\n```/g, "").replace(/<!--[\s\S]*?-->/g, "");
    const mentions = [...rendered.matchAll(/(?:^|[^\w`])@([A-Za-z0-9][\w/-]*)/g)].map((m) => m[1]);
    expect(mentions).toEqual(["alice"]);
    expect(parseBatchData(batch!.body)?.specs[0]?.title).toBe("Ask @carol and @acme/db about #2");
    expect(batch!.body).toContain(
      `Ask @${WORD_JOINER}carol and @${WORD_JOINER}acme/db about #${WORD_JOINER}2`,
    );
    expect(batch!.body).toContain(`wait for @${WORD_JOINER}dave`);
    expect([...replies(planning)[0]!.body.matchAll(/(?:^|[^\w`])@[A-Za-z0-9]/g)]).toEqual([]);
  });

  it("uses the repository's template", async () => {
    const planning = setup({
      specs: [{ n: 1, domain: "ui" }],
      agents: [{ login: "alice" }],
      template: "Hello {{agent}}, batch {{sequence}} ({{domains}}):\n{{tasks}}\n",
    });
    await command(planning, "/batch assign");
    const [batch] = batchIssues();
    expect(batch!.body).toMatch(
      /^Hello @alice, batch 1 \(ui\):\n- \[ \] 1\. #1 SPEC 1 · ui\n\n<!-- batchbot:batch /,
    );
  });

  it("answers a template with an unknown placeholder with the error and writes nothing else", async () => {
    const planning = setup({
      specs: [{ n: 1 }],
      agents: [{ login: "alice" }],
      template: "{{tasks}}\n{{agent_name}}",
    });
    h.fake.reset();
    await command(planning, "/batch assign");
    expect(batchIssues()).toEqual([]);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/${REPO}/issues/${planning}/comments`,
    ]);
    expect(replies(planning)[0]!.body).toContain("`.github/batch-template.md` is invalid");
    expect(replies(planning)[0]!.body).toContain("`line 2`: unknown placeholder `{{agent_name}}`");
  });

  it("reports a pushed template error in the batchbot config check", async () => {
    setup({ specs: [], template: "{{tasks}}" });
    const repo = h.fake.repo(REPO);
    repo.filesAt.set("abc123", new Map([[".github/batch-template.md", "Hi {{nobody}}\n{{tasks}}"]]));
    const base = h.issueEvent(REPO, 1, "opened");
    await h.receive("push", {
      ref: "refs/heads/main",
      after: "abc123",
      commits: [{ added: [], modified: [".github/batch-template.md"], removed: [] }],
      repository: base.repository,
      installation: base.installation,
      sender: base.sender,
    });
    const [run] = repo.checkRuns;
    expect(run).toMatchObject({ name: "batchbot config", conclusion: "failure" });
    expect(run!.output.title).toBe("1 problem(s) in .github/batch-template.md");
    expect(run!.output.summary).toContain("unknown placeholder `{{nobody}}`");
  });

  it("answers bad arguments with the usage, and /batch help lists assign and plan", async () => {
    const planning = setup({ specs: [{ n: 1 }], agents: [{ login: "alice" }] });
    await command(planning, "/batch assign --size lots");
    expect(replies(planning)[0]!.body).toContain(
      "`/batch assign`: `--size` needs a whole number from 1 to 50.",
    );
    expect(replies(planning)[0]!.body).toContain(
      "Usage: `/batch assign [@agent ...] [--size N] [--domain D] [--dry-run]`",
    );
    await command(planning, "/batch help");
    expect(replies(planning)[1]!.body).toContain("| `/batch plan [@agent ...] [--size N] [--domain D]` |");
    expect(batchIssues()).toEqual([]);
  });
});

describe("/batch assign request budget", () => {
  async function measure(specs: number, agents: number) {
    const planning = setup({
      specs: syntheticIssues({
        specs,
        edges: specs / 4,
        domains: ["database", "algorithm", "integration", "ui"],
        closed: 0.1,
      }),
      agents: Array.from({ length: agents }, (_, i) => ({ login: `agent-${i + 1}` })),
    });
    h.fake.reset();
    await command(planning, "/batch assign");
    expect(h.fake.unhandled).toEqual([]);
    expectNoSpecInTwoOpenBatches();
    return {
      total: h.fake.requests.length,
      reads: h.fake.reads,
      writes: h.fake.writes,
      batches: batchIssues().length,
      specs: batchIssues().reduce((n, b) => n + metaOf(b).specs.length, 0),
    };
  }

  it("36 SPECs for 6 agents: at most 25 requests", async () => {
    const m = await measure(36, 6);
    console.log("budget 36 SPECs / 6 agents:", m);
    expect(m.batches).toBe(6);
    expect(m.total).toBeLessThanOrEqual(25);
  });

  it("600 SPECs for 60 agents: at most 150 requests", async () => {
    const m = await measure(600, 60);
    console.log("budget 600 SPECs / 60 agents:", m);
    expect(m.batches).toBe(60);
    expect(m.total).toBeLessThanOrEqual(150);
  });
});
