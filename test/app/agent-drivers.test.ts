import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { parseBatchData } from "../../src/domain/batch-data.js";
import { WORD_JOINER } from "../../src/domain/mention-escape.js";
import { AGENT_COMMANDS } from "../../src/features/agent-drivers/handoff.js";
import { COPILOT_FEATURES } from "../../src/github/copilot.js";
import { type AgentRecords, installAgents } from "../helpers/fake-agents.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { createHarness, type Harness } from "../helpers/harness.js";

const REPO = "acme/specs";
const validate = new Ajv({ strict: true }).compile(
  JSON.parse(readFileSync("schema/batch-data.schema.json", "utf8")),
);
let h: Harness;
let agents: AgentRecords;
afterEach(() => {
  h?.fake.uninstall();
  vi.unstubAllEnvs();
});

/** A repository with `count` SPECs written by the maintainer `lead`, one agent with `driver`, and a planning issue. */
function setup(
  driver: unknown,
  options: { count?: number; config?: Record<string, unknown>; author?: string } = {},
) {
  h = createHarness();
  agents = installAgents(h.fake);
  const repo = h.fake.repo(REPO);
  repo.collaborators.set("lead", "maintain");
  repo.collaborators.set("bot", "write");
  repo.files.set(".github/workflows/agent.yml", "on: workflow_dispatch");
  for (let n = 1; n <= (options.count ?? 2); n++)
    h.fake.addIssue(REPO, {
      number: n,
      title: `SPEC ${n}`,
      body: `## Acceptance criteria\n- criterion ${n}`,
      labels: ["spec"],
      author: options.author ?? "lead",
    });
  repo.files.set(".github/batch.yml", stringify({ agents: [{ login: "bot", driver }], ...options.config }));
  return h.fake.addIssue(REPO, { title: "Planning", author: "lead" }).number;
}

async function command(issue: number, body: string, id?: string) {
  const payload = h.commentEvent(REPO, issue, "lead", body);
  await h.receive("issue_comment", payload, id);
  return payload;
}

const batchIssues = () => [...h.fake.repo(REPO).issues.values()].filter((i) => i.labels.includes("batch"));
const reply = (issue: number) => h.fake.botComments(REPO, issue).at(-1)?.body ?? "";
const operations = (name: string) => h.fake.requests.filter((r) => r.operation === name);
const dispatchPosts = () => h.fake.requests.filter((r) => r.path.endsWith("/dispatches"));
const createIssueFields = () =>
  h.fake.requests
    .filter((r) => r.kind === "write" && JSON.stringify(r.body).includes("createIssue"))
    .flatMap((r) =>
      Object.values(
        (r.body as { variables: Record<string, { title?: string; labelIds?: string[] }> }).variables,
      ),
    )
    .filter((f) => /^Batch \d+ for @/.test(f.title ?? ""));

function expectBlock(batch: FakeIssue) {
  const data = parseBatchData(batch.body);
  expect(data, "batch data").not.toBeNull();
  expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  expect(data!.batch).toBe(batch.number);
  return data!;
}

describe("label driver", () => {
  it("opens the batch issue with the label in the same request: no write of its own, and never twice", async () => {
    const planning = setup({ label: "claude" });
    const payload = await command(planning, "/batch assign", "d1");
    const [batch] = batchIssues();
    expect(batch!.labels).toEqual(["batch", "claude"]);
    // One createIssue carries both labels (the `claude` label was created first, with the batch label).
    const created = createIssueFields().filter((f) => f.labelIds);
    expect(created).toHaveLength(1);
    expect(created[0]!.labelIds).toHaveLength(2);
    expect(decodeBatchMeta(batch!.body)?.driven).toMatchObject({ driver: "label" });
    expect(expectBlock(batch!).specs.map((s) => s.criteria)).toEqual([["criterion 1"], ["criterion 2"]]);

    h.fake.reset();
    await h.receive("issue_comment", payload, "d1");
    expect(batchIssues()).toHaveLength(1);
    expect(h.fake.writes).toBe(1); // the 👀 reaction, which GitHub keeps once
  });
});

describe("mention driver", () => {
  it("writes the mention live in the body at creation, outside the defused text", async () => {
    const planning = setup({ mention: "@claude" });
    await command(planning, "/batch assign");
    const [batch] = batchIssues();
    expect(batch!.body).toContain("\n@claude please work through this batch");
    expect(batch!.body).not.toContain(`@${WORD_JOINER}claude`);
    // The mention was in the body GitHub created the issue with (claude-code-action reads it on `opened`).
    const bodies = createIssueFields().map((f) => (f as { body?: string }).body ?? "");
    expect(bodies.some((b) => b.includes("@claude please work"))).toBe(true);
    expect(decodeBatchMeta(batch!.body)?.driven).toMatchObject({ driver: "mention" });
  });
});

describe("Copilot driver", () => {
  it("assigns Copilot once with the user token and the feature header, after the batch data is written", async () => {
    vi.stubEnv("BATCHBOT_COPILOT_TOKEN", "user-pat");
    const planning = setup({ copilot: { instructions: "Work in order", base: "develop" } });
    const payload = await command(planning, "/batch assign", "c1");
    const [batch] = batchIssues();
    expect(operations("BatchbotCopilotActor")).toHaveLength(1);
    const [assign] = operations("BatchbotAssignCopilot");
    expect(operations("BatchbotAssignCopilot")).toHaveLength(1);
    expect(assign!.headers?.["graphql-features"]).toBe(COPILOT_FEATURES);
    expect(assign!.headers?.authorization).toMatch(/user-pat$/);
    expect(agents.copilot).toEqual([
      {
        issue: batch!.number,
        agentAssignment: expect.objectContaining({ baseRef: "develop", customInstructions: "Work in order" }),
      },
    ]);
    expect(batch!.assignees).toContain("Copilot");
    expectBlock(batch!);
    expect(decodeBatchMeta(batch!.body)?.driven).toMatchObject({ driver: "copilot" });
    expect(h.fake.unhandled).toEqual([]);

    await h.receive("issue_comment", payload, "c1");
    await command(planning, "/batch sync");
    expect(agents.copilot).toHaveLength(1);
  });

  it("without BATCHBOT_COPILOT_TOKEN opens the batch undriven and says why", async () => {
    vi.stubEnv("BATCHBOT_COPILOT_TOKEN", "");
    const planning = setup({ copilot: {} });
    await command(planning, "/batch assign");
    expect(batchIssues()).toHaveLength(1);
    expect(agents.copilot).toEqual([]);
    expect(operations("BatchbotAssignCopilot")).toEqual([]);
    expect(reply(planning)).toContain("BATCHBOT_COPILOT_TOKEN");
  });
});

describe("dispatch driver", () => {
  it("sends one workflow_dispatch with the batch number, on the default branch unless a ref is set", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml" } });
    const payload = await command(planning, "/batch assign", "w1");
    const [batch] = batchIssues();
    expect(dispatchPosts()).toHaveLength(1);
    expect(agents.dispatches).toEqual([
      { workflow: "agent.yml", ref: "main", inputs: { batch: String(batch!.number) } },
    ]);
    expectBlock(batch!);
    await h.receive("issue_comment", payload, "w1");
    await h.receive("issue_comment", payload, "w1-redelivered-by-hand");
    expect(agents.dispatches).toHaveLength(1);
  });

  it("retries a dispatch GitHub refused on redelivery, and only that", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml", ref: "release" } });
    agents.actions = "read";
    const payload = await command(planning, "/batch assign", "x1");
    expect(agents.dispatches).toEqual([]);
    expect(reply(planning)).toContain("start signal");
    const [batch] = batchIssues();
    expect(decodeBatchMeta(batch!.body)?.driven).toBeUndefined();
    agents.actions = "write";
    await h.receive("issue_comment", payload, "x1");
    await h.receive("issue_comment", payload, "x1");
    expect(agents.dispatches).toEqual([
      { workflow: "agent.yml", ref: "release", inputs: { batch: String(batch!.number) } },
    ]);
    expect(batchIssues()).toHaveLength(1);
  });

  it("never fires for a dry run", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml" } });
    await command(planning, "/batch assign --dry-run");
    await command(planning, "/batch plan");
    expect(batchIssues()).toEqual([]);
    expect(dispatchPosts()).toEqual([]);
  });
});

describe("guards", () => {
  it("a batch-paused label on the dashboard stops new drives", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml" } });
    h.fake.addIssue(REPO, { title: "Dashboard", labels: ["batch-dashboard", "batch-paused"] });
    await command(planning, "/batch assign");
    expect(batchIssues()).toHaveLength(1);
    expect(agents.dispatches).toEqual([]);
    expect(reply(planning)).toContain("`batch-paused` is set");
  });

  it("a batch-paused label on the batch issue stops its retried drive", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml" } });
    agents.actions = "read";
    const payload = await command(planning, "/batch assign", "p1");
    const [batch] = batchIssues();
    batch!.labels.push("batch-paused");
    h.fake.label(h.fake.repo(REPO), "batch-paused");
    agents.actions = "write";
    await h.receive("issue_comment", payload, "p1");
    expect(agents.dispatches).toEqual([]);
    expect(decodeBatchMeta(h.fake.issue(REPO, batch!.number).body)?.driven).toBeUndefined();
  });

  it("the per-agent daily cap holds", async () => {
    const planning = setup({ label: "go" }, { count: 3, config: { batch: { "max-driven-per-day": 2 } } });
    for (let i = 0; i < 3; i++) await command(planning, "/batch assign --size 1");
    const batches = batchIssues();
    expect(batches).toHaveLength(3);
    expect(batches.map((b) => b.labels.includes("go"))).toEqual([true, true, false]);
    expect(reply(planning)).toContain("`batch.max-driven-per-day`");
  });

  it("drives only batches whose SPECs were written by collaborators with write access", async () => {
    const planning = setup({ dispatch: { workflow: "agent.yml" } }, { author: "stranger" });
    await command(planning, "/batch assign");
    expect(batchIssues()).toHaveLength(1);
    expect(agents.dispatches).toEqual([]);
    expect(reply(planning)).toContain("without write access");
  });
});

describe("batch data after the batch changes", () => {
  it("drops a released SPEC from the block", async () => {
    const planning = setup("none", { count: 3 });
    await command(planning, "/batch assign");
    const [batch] = batchIssues();
    expect(parseBatchData(batch!.body)?.specs.map((s) => s.number)).toEqual([1, 2, 3]);
    await h.receive("issue_comment", h.commentEvent(REPO, batch!.number, "bot", "/batch release #2"));
    const data = expectBlock(h.fake.issue(REPO, batch!.number));
    expect(data.specs.map((s) => [s.number, s.order])).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });
});

describe("batch data commands", () => {
  it("lists only commands batchbot has, with their usage as /batch help gives it", async () => {
    const planning = setup("none");
    await command(planning, "/batch help");
    const help = reply(planning);
    for (const usage of Object.values(AGENT_COMMANDS)) expect(help).toContain(usage);
  });
});

describe("the batchbot config check", () => {
  async function pushConfig(agentsConfig: unknown[], actions: AgentRecords["actions"] = "write") {
    h?.fake.uninstall();
    h = createHarness();
    agents = installAgents(h.fake);
    agents.actions = actions;
    const repo = h.fake.repo(REPO);
    repo.files.set(".github/workflows/agent.yml", "on: workflow_dispatch");
    repo.filesAt.set("abc123", new Map([[".github/batch.yml", stringify({ agents: agentsConfig })]]));
    const base = h.issueEvent(REPO, h.fake.addIssue(REPO, { title: "x" }).number, "opened");
    await h.receive("push", {
      ref: "refs/heads/main",
      after: "abc123",
      commits: [{ added: [], modified: [".github/batch.yml"], removed: [] }],
      repository: base.repository,
      installation: base.installation,
      sender: base.sender,
    });
    expect(h.fake.unhandled).toEqual([]);
    return repo.checkRuns[0]!;
  }
  const copilot = { login: "copilot", driver: { copilot: {} } };
  const dispatch = (workflow: string) => ({ login: "runner", driver: { dispatch: { workflow } } });

  it("says when Copilot has no user token and when a dispatch workflow is missing", async () => {
    vi.stubEnv("BATCHBOT_COPILOT_TOKEN", "");
    const run = await pushConfig([copilot, dispatch("missing.yml")]);
    expect(run).toMatchObject({ conclusion: "neutral" });
    expect(run.output.summary).toContain(
      "`agents[0].driver` (copilot): Copilot needs a user token in BATCHBOT_COPILOT_TOKEN",
    );
    expect(run.output.summary).toContain("`agents[1].driver`: no workflow `missing.yml`");
  });

  it("passes drivers that can start their agents", async () => {
    vi.stubEnv("BATCHBOT_COPILOT_TOKEN", "user-pat");
    expect(await pushConfig([dispatch("agent.yml"), copilot])).toMatchObject({ conclusion: "success" });
  });

  it("warns when the app wasn't granted Actions", async () => {
    const run = await pushConfig([dispatch("agent.yml")], "none");
    expect(run).toMatchObject({ conclusion: "neutral" });
    expect(run.output.summary).toContain("grant the app Actions: write");
  });
});
