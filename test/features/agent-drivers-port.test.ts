import { describe, expect, it } from "vitest";
import type { BatchMeta } from "../../src/domain/batch.js";
import { DEFAULT_TEMPLATE } from "../../src/domain/batch-template.js";
import type { BatchConfig } from "../../src/domain/config.js";
import { planOptions } from "../../src/domain/planner.js";
import { fireDrives } from "../../src/features/agent-drivers/fire.js";
import { runAssignment } from "../../src/features/assignment/assign.js";
import {
  configOf,
  fields,
  type MemoryRepo,
  memoryPort,
  memoryRepo,
  postReply,
  runtimeOf,
  spec,
} from "./assignment-fake.js";

const PLANNING = 1;

function configWith(agents: Array<{ login: string; driver: unknown }>, batch: Record<string, unknown> = {}) {
  return configOf({ agents, batch: { size: { min: 1, max: 2 }, ...batch } });
}

/** `/batch assign` for the configured agents (comment `commentId`), its reply posted as the handler posts it. */
async function assign(
  repo: MemoryRepo,
  config: BatchConfig,
  options: Parameters<typeof memoryPort>[1] = {},
  commentId = 500,
) {
  const { port, recorded } = memoryPort(repo, options);
  const result = await runAssignment(
    runtimeOf(config),
    {
      agents: config.agents.map((a) => ({ login: a.login, domains: a.domains })),
      options: planOptions(config.batch),
      template: DEFAULT_TEMPLATE,
      sourceCommentId: commentId,
      issueNumber: PLANNING,
      dryRun: false,
    },
    null,
    port,
  );
  postReply(repo, PLANNING, commentId, result.reply);
  return { result, recorded };
}

const dispatch = { dispatch: { workflow: "agent.yml" } };

describe("agent drivers through the assignment port (in memory)", () => {
  it("a dispatch driver fires once per batch, after the batch is recorded as driven; not again on redelivery", async () => {
    const repo = memoryRepo(
      [1, 2, 3, 4].map((n) => spec(n)),
      ["bot", "bot2"],
    );
    const config = configWith([
      { login: "bot", driver: dispatch },
      { login: "bot2", driver: dispatch },
    ]);
    const first = await assign(repo, config);

    expect(repo.batches).toHaveLength(2);
    expect(first.recorded.dispatches.map((d) => d.batch).sort()).toEqual(repo.batches.map((b) => b.number));
    expect(first.recorded.dispatches.every((d) => d.workflow === "agent.yml" && d.ref === "main")).toBe(true);
    // One guard read, one default-branch read shared by both dispatches; the driven record written before them.
    const calls = first.recorded.calls;
    expect(calls.filter((c) => c === "readGuards")).toHaveLength(1);
    expect(calls.filter((c) => c === "defaultBranch")).toHaveLength(1);
    expect(calls.lastIndexOf("runMutations")).toBeLessThan(calls.indexOf("dispatch"));
    expect(repo.batches.every((b) => b.meta.driven?.driver === "dispatch")).toBe(true);

    const again = await assign(repo, config);
    expect(again.recorded.dispatches).toEqual([]);
    expect(again.recorded.calls).not.toContain("readGuards");
    expect(again.recorded.runs).toEqual([]);
  });

  it("a refused dispatch removes the driven record, so the redelivery fires just that batch again", async () => {
    const repo = memoryRepo(
      [1, 2].map((n) => spec(n)),
      ["bot"],
    );
    const config = configWith([{ login: "bot", driver: dispatch }]);
    const first = await assign(repo, config, { refuseDispatch: true });

    expect(first.result.failures).toEqual([
      `start #${repo.batches[0]!.number} for @bot: Resource not accessible by integration`,
    ]);
    expect(first.result.reply).toContain("Redelivering this command's webhook tries it again");
    expect(repo.batches[0]!.meta.driven).toBeUndefined();
    expect(first.result.unfinished).toBe(true);

    const again = await assign(repo, config);
    expect(again.recorded.dispatches.map((d) => d.batch)).toEqual([repo.batches[0]!.number]);
    expect(fields(again.recorded)).toEqual(["updateIssue"]);
    expect(repo.batches[0]!.meta.driven?.driver).toBe("dispatch");
    expect(repo.batches).toHaveLength(1);
  });

  it("guarded as today: not for a SPEC written by someone without write access, nor while paused", async () => {
    const untrusted = memoryRepo(
      [1, 2].map((n) => spec(n)),
      ["bot"],
    );
    untrusted.guards.trustedSpecs.delete("I_2");
    const config = configWith([{ login: "bot", driver: dispatch }]);
    const a = await assign(untrusted, config);
    expect(a.recorded.dispatches).toEqual([]);
    expect(untrusted.batches[0]!.meta.driven).toBeUndefined();
    expect(a.result.reply).toMatch(/write access|collaborator/);

    const paused = memoryRepo(
      [1, 2].map((n) => spec(n)),
      ["bot"],
    );
    paused.guards.dashboardPaused = true;
    const b = await assign(paused, config);
    expect(b.recorded.dispatches).toEqual([]);
    expect(paused.batches[0]!.meta.driven).toBeUndefined();
    expect(b.result.reply).toContain("paus");
  });

  it("guarded as today: past the daily cap an agent's next batch opens undriven", async () => {
    const repo = memoryRepo(
      [1, 2, 3, 4].map((n) => spec(n)),
      ["bot"],
    );
    const config = configWith([{ login: "bot", driver: dispatch }], { "max-driven-per-day": 1 });
    await assign(repo, config);
    repo.batches[0]!.state = "CLOSED";
    const second = await assign(repo, config, {}, 501);

    expect(repo.batches).toHaveLength(2);
    expect(second.recorded.dispatches).toEqual([]);
    expect(repo.batches[1]!.meta.driven).toBeUndefined();
  });

  it("a label driver: the label is created when missing and the batch issue opens with it, recorded as driven", async () => {
    const repo = memoryRepo(
      [1, 2].map((n) => spec(n)),
      ["bot"],
    );
    const config = configWith([{ login: "bot", driver: { label: "claude" } }]);
    const { recorded } = await assign(repo, config);

    expect(recorded.runs[0]!.map((m) => m.input.name)).toEqual(["batch", "claude"]);
    expect(repo.createdWith.get(repo.batches[0]!.number)).toEqual(["L_batch", "L_claude"]);
    expect(repo.batches[0]!.meta.driven?.driver).toBe("label");
    expect(recorded.dispatches).toEqual([]);
  });

  it("a mention driver writes the live mention into the body at creation, once", async () => {
    const repo = memoryRepo(
      [1, 2].map((n) => spec(n)),
      ["bot"],
    );
    const config = configWith([{ login: "bot", driver: { mention: "@claude" } }]);
    await assign(repo, config);
    expect(repo.batches[0]!.body.match(/@claude/g)).toHaveLength(1);
    expect(repo.batches[0]!.meta.driven?.driver).toBe("mention");
  });
});

describe("fireDrives (in-memory port)", () => {
  const meta = (agent: string, id: string): BatchMeta => ({
    v: 1,
    id,
    agent,
    sequence: 1,
    specs: [1],
    fixes: [],
    shared: [],
    sourceCommentId: 500,
    createdAt: "2026-01-01T00:00:00Z",
    driven: { driver: "copilot", at: "2026-01-01T00:00:00Z" },
  });
  const target = (number: number) => ({
    id: `I_${number}`,
    number,
    body: "body",
    meta: meta("copilot-user", `500:${number}`),
    decision: { drive: true, kind: "copilot" } as never,
  });
  const config = configWith([{ login: "copilot-user", driver: { copilot: { base: "dev" } } }]);
  const env = { BATCHBOT_COPILOT_TOKEN: "user-token" };

  it("Copilot is looked up once for the run and assigned each batch, with its options", async () => {
    const repo = memoryRepo([], []);
    const { port, recorded } = memoryPort(repo);
    const report = await fireDrives(runtimeOf(config), [target(7), target(8)], "R_1", port.drivers, env);

    expect(report.fired).toEqual([7, 8]);
    expect(recorded.calls).toEqual(["findCopilot", "assignCopilot", "assignCopilot"]);
    expect(recorded.copilot).toEqual([
      { issueId: "I_7", copilotId: "BOT_copilot", repositoryId: "R_1", base: "dev" },
      { issueId: "I_8", copilotId: "BOT_copilot", repositoryId: "R_1", base: "dev" },
    ]);
    expect(report).toMatchObject({ reads: 1, writes: 2, failures: [] });
  });

  it("Copilot not enabled: each batch's driven record is removed again in one write, and the reply says why", async () => {
    const repo = memoryRepo([], []);
    repo.copilotId = null;
    const { port, recorded } = memoryPort(repo);
    const report = await fireDrives(runtimeOf(config), [target(7), target(8)], "R_1", port.drivers, env);

    expect(report.fired).toEqual([]);
    expect(report.failures).toHaveLength(2);
    expect(recorded.runs).toHaveLength(1);
    expect(recorded.runs[0]!.map((m) => [m.field, m.input.id])).toEqual([
      ["updateIssue", "I_7"],
      ["updateIssue", "I_8"],
    ]);
    expect(recorded.runs[0]!.every((m) => !String(m.input.body).includes('"driven"'))).toBe(true);
  });

  it("without the user token nothing is sent, and nothing is written", async () => {
    const { port, recorded } = memoryPort(memoryRepo([], []));
    const report = await fireDrives(runtimeOf(config), [target(7)], "R_1", port.drivers, {});
    expect(report.fired).toEqual([]);
    expect(recorded.calls).toEqual([]);
  });
});
