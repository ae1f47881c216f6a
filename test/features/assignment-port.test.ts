import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATE } from "../../src/domain/batch-template.js";
import type { BatchConfig } from "../../src/domain/config.js";
import { planOptions } from "../../src/domain/planner.js";
import { type AssignmentRequest, runAssignment } from "../../src/features/assignment/assign.js";
import { decodeRecord } from "../../src/features/assignment/assignment-record.js";
import { autoNext, openNextBatch } from "../../src/features/assignment/next.js";
import type { AssignmentPort } from "../../src/features/assignment/port.js";
import { assignOrFinishEarlier } from "../../src/features/assignment/resume.js";
import type { AppDeps } from "../../src/features/shared/deps.js";
import type { Mutation } from "../../src/github/mutations.js";
import { LocalLock } from "../../src/infra/lock.js";
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
const AGENTS = ["alice", "bob", "carol"];

function request(config: BatchConfig, commentId: number, extra: Partial<AssignmentRequest> = {}) {
  return {
    agents: AGENTS.map((login) => ({ login, domains: [] })),
    options: planOptions(config.batch, { size: 2 }),
    template: DEFAULT_TEMPLATE,
    sourceCommentId: commentId,
    issueNumber: PLANNING,
    dryRun: false,
    ...extra,
  };
}

/** `/batch assign --size 2` for three agents over six SPECs, its reply posted as the command handler posts it. */
async function assign(repo: MemoryRepo, port: AssignmentPort, commentId = 500, config = configOf({})) {
  const result = await runAssignment(runtimeOf(config), request(config, commentId), null, port);
  postReply(repo, PLANNING, commentId, result.reply);
  return result;
}

const sixSpecs = () =>
  memoryRepo(
    [1, 2, 3, 4, 5, 6].map((n) => spec(n)),
    AGENTS,
  );
const refusing =
  (field: string, match: string) =>
  (m: Mutation): boolean =>
    m.field === field && JSON.stringify(m.input).includes(match);

describe("runAssignment (in-memory port)", () => {
  it("a plan for three agents opens one batch issue each: assigned, its SPECs assigned and sub-issues", async () => {
    const repo = sixSpecs();
    const { port, recorded } = memoryPort(repo);
    const result = await assign(repo, port);

    expect(repo.batches.map((b) => b.meta.agent).sort()).toEqual(AGENTS);
    expect(result.opened).toEqual(repo.batches.map((b) => b.number));
    expect(result.failures).toEqual([]);
    for (const batch of repo.batches) {
      expect(batch.meta.id).toBe(`500:${batch.meta.agent}`);
      expect(batch.meta.specs).toHaveLength(2);
      const links = repo.links.get(batch.id)!;
      expect(links.assignees).toEqual([batch.meta.agent]);
      expect([...links.subIssues].sort()).toEqual([...batch.meta.specs].sort());
      for (const n of batch.meta.specs)
        expect(repo.specs.find((s) => s.number === n)?.assignees).toEqual([batch.meta.agent]);
    }
    expect(new Set(repo.batches.flatMap((b) => b.meta.specs)).size).toBe(6);
    // Reads, then three writes: the batch label, the three issues, their data and links together.
    expect(recorded.calls).toEqual([
      "readRegistry",
      "readBatches",
      "readKnowledge",
      "readReplies",
      "lookupAssignable",
      "runMutations",
      "runMutations",
      "runMutations",
    ]);
    expect(recorded.runs[0]!.map((m) => m.field)).toEqual(["createLabel"]);
    expect(recorded.runs[1]!.map((m) => m.field)).toEqual(["createIssue", "createIssue", "createIssue"]);
    expect(decodeRecord(result.reply)).toEqual({
      agents: AGENTS,
      size: 2,
      domain: null,
      pending: [],
      unfinished: false,
    });
    expect(result.reply).toContain("Opened 3 batches for 6 SPECs");
  });

  it("the same command delivered again writes nothing and answers with the same batches", async () => {
    const repo = sixSpecs();
    const first = await assign(repo, memoryPort(repo).port);
    const { port, recorded } = memoryPort(repo);
    const again = await runAssignment(runtimeOf(configOf({})), request(configOf({}), 500), null, port);

    expect(recorded.runs).toEqual([]);
    expect(again.opened).toEqual([]);
    expect(repo.batches).toHaveLength(3);
    expect(again.reply).toBe(first.reply);
  });

  it("a dry run reads, plans and writes nothing: not even the reply record", async () => {
    const repo = sixSpecs();
    const { port, recorded } = memoryPort(repo);
    const config = configOf({});
    const result = await runAssignment(runtimeOf(config), request(config, 500, { dryRun: true }), null, port);

    expect(recorded.calls).toEqual(["readRegistry", "readBatches", "readKnowledge"]);
    expect(repo.batches).toEqual([]);
    expect(result.opened).toEqual([]);
    expect(decodeRecord(result.reply)).toBeNull();
    expect(result.reply).toContain("dry run: nothing was written");
    expect(result.reply).toContain("3 batches, 6 SPECs");
  });

  it("a batch GitHub refused to open: the reply records it owed, and a redelivery opens only that one", async () => {
    const repo = sixSpecs();
    const first = await assign(repo, memoryPort(repo, { refuse: refusing("createIssue", "bob") }).port);
    expect(repo.batches.map((b) => b.meta.agent).sort()).toEqual(["alice", "carol"]);
    expect(first.unfinished).toBe(true);
    expect(decodeRecord(first.reply)?.pending).toEqual(["bob"]);
    expect(first.reply).toContain("No batch issue could be opened for");

    const { port, recorded } = memoryPort(repo);
    const config = configOf({});
    const again = await runAssignment(runtimeOf(config), request(config, 500), null, port);

    expect(fields(recorded).filter((f) => f === "createIssue")).toHaveLength(1);
    expect(repo.batches.map((b) => b.meta.agent).sort()).toEqual(AGENTS);
    expect(repo.batches.find((b) => b.meta.agent === "bob")?.meta.id).toBe("500:bob");
    expect(again.opened).toHaveLength(1);
    expect(again.unfinished).toBe(false);
    expect(new Set(repo.batches.flatMap((b) => b.meta.specs)).size).toBe(6);
  });

  it("a refused sub-issue link: the command given again finishes that link, opens nothing, revises the reply", async () => {
    const repo = sixSpecs();
    const first = await assign(repo, memoryPort(repo, { refuse: refusing("addSubIssue", '"I_3"') }).port);
    expect(first.unfinished).toBe(true);
    expect(first.failures).toHaveLength(1);

    const { port, recorded } = memoryPort(repo);
    const config = configOf({});
    const again = await assignOrFinishEarlier(runtimeOf(config), request(config, 501), null, port);

    expect(recorded.runs.flat()).toEqual([expect.objectContaining({ field: "addSubIssue" })]);
    expect(recorded.runs[0]![0]!.input.subIssueId).toBe("I_3");
    expect(repo.batches).toHaveLength(3);
    expect(again.reply).toMatch(/^The \[same command given earlier\]\(.*#issuecomment-500\) was unfinished/);
    expect(recorded.calls).toContain("reviseReply");
    const earlier = repo.replies.find((r) => r.to === 500)!;
    expect(decodeRecord(earlier.body)?.unfinished).toBe(false);
  });

  it("the same command given again after a refused batch opens it as `<earlier comment>:<agent>`", async () => {
    const repo = sixSpecs();
    await assign(repo, memoryPort(repo, { refuse: refusing("createIssue", "carol") }).port);
    const { port, recorded } = memoryPort(repo);
    const config = configOf({});
    const again = await assignOrFinishEarlier(runtimeOf(config), request(config, 501), null, port);

    expect(fields(recorded).filter((f) => f === "createIssue")).toHaveLength(1);
    expect(repo.batches.map((b) => b.meta.id).sort()).toEqual(["500:alice", "500:bob", "500:carol"]);
    expect(again.opened).toHaveLength(1);
    expect(again.reply).toContain("finished it instead of planning new batches");
  });

  it("an agent GitHub can't assign gets a batch that mentions them, and the reply says why", async () => {
    const repo = memoryRepo(
      [1, 2].map((n) => spec(n)),
      [],
    );
    const { port } = memoryPort(repo);
    const config = configOf({});
    const result = await runAssignment(
      runtimeOf(config),
      { ...request(config, 500), agents: [{ login: "dana", domains: [] }] },
      null,
      port,
    );
    expect(repo.batches).toHaveLength(1);
    expect(repo.links.get(repo.batches[0]!.id)?.assignees).toEqual([]);
    expect(repo.specs.every((s) => s.assignees.length === 0)).toBe(true);
    expect(result.reply).toContain("can't be assigned in this repository");
  });
});

function depsWith(progress: string[]): AppDeps {
  return {
    lock: new LocalLock(),
    follow: { progressChanged: async () => void progress.push("progress") },
  } as unknown as AppDeps;
}

describe("openNextBatch (in-memory port)", () => {
  it("an agent with an open batch is refused, naming the batch; nothing is written when it is complete", async () => {
    const repo = sixSpecs();
    await assign(repo, memoryPort(repo).port);
    const open = repo.batches.find((b) => b.meta.agent === "alice")!;
    const { port, recorded } = memoryPort(repo);
    const progress: string[] = [];
    const rt = runtimeOf(configOf({}));
    const next = await openNextBatch(
      depsWith(progress),
      rt,
      { agent: "alice", sourceCommentId: 600, issueNumber: open.number },
      port,
    );

    expect(next.opened).toEqual([]);
    expect(next.why).toContain(`still has #${open.number} open`);
    expect(recorded.runs).toEqual([]);
    expect(recorded.calls).toEqual(["readBatches", "readBatchLinks", "readRegistry", "lookupAssignable"]);
    expect(progress).toEqual([]);
  });

  it("given again after a half-failed batch: the open batch gets what it lacks before the refusal", async () => {
    const repo = sixSpecs();
    await assign(repo, memoryPort(repo, { refuse: refusing("addAssigneesToAssignable", "U_alice") }).port);
    const open = repo.batches.find((b) => b.meta.agent === "alice")!;
    expect(repo.links.get(open.id)?.assignees).toEqual(["alice"]);
    const { port, recorded } = memoryPort(repo);
    const next = await openNextBatch(
      depsWith([]),
      runtimeOf(configOf({})),
      { agent: "alice", sourceCommentId: 600, issueNumber: PLANNING },
      port,
    );

    expect(next.why).toContain("still has");
    expect(fields(recorded)).toEqual(["addAssigneesToAssignable", "addAssigneesToAssignable"]);
    for (const n of open.meta.specs)
      expect(repo.specs.find((s) => s.number === n)?.assignees).toEqual(["alice"]);
  });

  it("an agent without an open batch gets one `<comment>:<agent>`; redelivered, it opens nothing more", async () => {
    const repo = memoryRepo(
      [1, 2, 3].map((n) => spec(n)),
      ["alice"],
    );
    const config = configOf({ agents: [{ login: "alice" }], batch: { size: { min: 1, max: 2 } } });
    const progress: string[] = [];
    const ask = () =>
      openNextBatch(
        depsWith(progress),
        runtimeOf(config),
        { agent: "alice", sourceCommentId: 600, issueNumber: PLANNING },
        memoryPort(repo).port,
      );
    const next = await ask();
    expect(next.why).toBeNull();
    expect(repo.batches.map((b) => b.meta.id)).toEqual(["600:alice"]);
    expect(next.opened).toEqual([repo.batches[0]!.number]);
    expect(progress).toEqual(["progress"]);

    const again = await ask();
    expect(again.opened).toEqual([]);
    expect(again.why).toBeNull();
    expect(repo.batches).toHaveLength(1);
  });

  it("with no SPEC left, the answer says so and nothing is written", async () => {
    const repo = memoryRepo([], ["alice"]);
    const { port, recorded } = memoryPort(repo);
    const next = await openNextBatch(
      depsWith([]),
      runtimeOf(configOf({})),
      { agent: "alice", sourceCommentId: 600, issueNumber: PLANNING },
      port,
    );
    expect(next.why).toBe("No open SPEC is left.");
    expect(recorded.runs).toEqual([]);
  });
});

describe("autoNext (in-memory port)", () => {
  /** Alice's first batch, opened by `/batch next` and completed, with `batch.auto-next` as given. */
  const completedBatch = async (auto: boolean) => {
    const repo = memoryRepo(
      [1, 2, 3, 4].map((n) => spec(n)),
      ["alice"],
    );
    const config = configOf({
      agents: [{ login: "alice" }],
      batch: { size: { min: 1, max: 2 }, "auto-next": auto },
    });
    const first = await openNextBatch(
      depsWith([]),
      runtimeOf(config),
      { agent: "alice", sourceCommentId: 600, issueNumber: PLANNING },
      memoryPort(repo).port,
    );
    const batch = repo.batches.find((b) => b.number === first.opened[0])!;
    batch.state = "CLOSED";
    return { repo, config, completed: { number: batch.number, agent: "alice" } };
  };

  it("a completed batch opens its agent's next one as `-<batch>:<agent>`; a redelivery opens nothing more", async () => {
    const { repo, config, completed } = await completedBatch(true);
    const ports: string[][] = [];
    const next = autoNext(depsWith([]), () => {
      const { port, recorded } = memoryPort(repo);
      ports.push(recorded.calls);
      return port;
    });

    await next(runtimeOf(config), [completed]);
    expect(repo.batches.map((b) => b.meta.id)).toEqual(["600:alice", `-${completed.number}:alice`]);
    await next(runtimeOf(config), [completed]);
    expect(repo.batches).toHaveLength(2);
    expect(ports).toHaveLength(2);
  });

  it("with `batch.auto-next: false` a completed batch opens nothing and reads nothing", async () => {
    const { repo, config, completed } = await completedBatch(false);
    const { port, recorded } = memoryPort(repo);
    await autoNext(depsWith([]), () => port)(runtimeOf(config), [completed]);
    expect(recorded.calls).toEqual([]);
    expect(repo.batches).toHaveLength(1);
  });
});
