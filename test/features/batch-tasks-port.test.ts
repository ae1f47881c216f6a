import { describe, expect, it } from "vitest";
import { type BatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import { type BatchTasksPort, refreshBatches } from "../../src/features/batch-tasks/run.js";
import type { BatchSnapshot, BatchState, SpecState } from "../../src/github/batch-progress-reader.js";
import type { Mutation } from "../../src/github/mutations.js";
import { LocalLock } from "../../src/infra/lock.js";
import { testConfig, unitRuntime } from "../helpers/unit-runtime.js";

const config = testConfig();
const rt = unitRuntime(config);

function spec(number: number, state: "OPEN" | "CLOSED", labels: string[] = [], parent: number | null = 10) {
  const s: SpecState = {
    id: `I_${number}`,
    databaseId: 1000 + number,
    number,
    title: `SPEC ${number}`,
    body: "",
    state,
    stateReason: state === "CLOSED" ? "COMPLETED" : null,
    labels: [config.labels.spec, ...labels],
    assignees: ["agent"],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    closedAt: state === "CLOSED" ? "2026-01-02T00:00:00Z" : null,
    assigneeIds: new Map(),
    parent,
  };
  return s;
}

function batch(number: number, specs: number[]): BatchState {
  const meta: BatchMeta = {
    v: 1,
    id: `900:agent`,
    agent: "agent",
    sequence: 1,
    specs,
    fixes: [],
    shared: [],
    sourceCommentId: 900,
    createdAt: "2026-11-25T10:00:00Z",
  };
  const body = [
    "# Batch",
    "",
    ...specs.map((n, i) => `- [ ] ${i + 1}. #${n} SPEC ${n}`),
    "",
    encodeBatchMeta(meta),
    "",
  ].join("\n");
  return { id: `B_${number}`, number, state: "OPEN", body, labels: [], meta, subIssues: new Set(specs) };
}

function snapshotOf(batches: BatchState[], specs: SpecState[]): BatchSnapshot {
  return {
    repositoryId: "R_1",
    labelIds: new Map(),
    batches: new Map(batches.map((b) => [b.number, b])),
    specs: new Map(specs.map((s) => [s.number, s])),
    requests: 1,
  };
}

/**
 * The batch-tasks port in memory: GitHub's batches and SPECs as given (each read answers from them), every write
 * recorded and applied to the batch it edits; `refuse` lists mutation fields GitHub refuses.
 */
function port(batches: BatchState[], specs: SpecState[], refuse: string[] = []) {
  const written: Mutation[] = [];
  const reads: string[] = [];
  const byNumber = () => snapshotOf(batches, specs);
  const fake: BatchTasksPort = {
    readSpecBatches: async (numbers) => {
      reads.push(`specBatches ${numbers.join(",")}`);
      const all = byNumber();
      const out = snapshotOf([], []);
      for (const n of numbers) {
        const s = all.specs.get(n);
        if (!s) continue;
        out.specs.set(n, s);
        const parent = s.parent != null ? all.batches.get(s.parent) : undefined;
        if (!parent) continue;
        out.batches.set(parent.number, parent);
        for (const sub of parent.subIssues) if (all.specs.has(sub)) out.specs.set(sub, all.specs.get(sub)!);
      }
      return out;
    },
    readBatchStates: async (numbers) => {
      reads.push(`batchStates ${[...numbers.batches, ...numbers.specs].join(",")}`);
      const all = byNumber();
      return snapshotOf(
        numbers.batches.flatMap((n) => (all.batches.has(n) ? [all.batches.get(n)!] : [])),
        numbers.specs.flatMap((n) => (all.specs.has(n) ? [all.specs.get(n)!] : [])),
      );
    },
    readBatches: async () => {
      reads.push("batches");
      return {
        batches: batches.map((b) => ({ ...b, title: `Batch ${b.number}`, meta: b.meta! })),
        requests: 1,
      };
    },
    runMutations: async (mutations) => {
      written.push(...mutations);
      const failures = mutations
        .filter((m) => refuse.includes(m.field))
        .map((mutation) => ({ mutation, message: "refused" }));
      for (const m of mutations) {
        if (refuse.includes(m.field)) continue;
        const target = batches.find((b) => b.id === m.input.id || b.id === m.input.issueId);
        if (target && m.field === "updateIssue") target.body = String(m.input.body);
        if (target && m.field === "closeIssue") target.state = "CLOSED";
      }
      return { results: mutations.map(() => ({})), failures, requests: 1 };
    },
  };
  return { fake, written, reads };
}

const lock = () => new LocalLock();

describe("refreshBatches (workhorse, in-memory port)", () => {
  it("a closed SPEC ticks its task line in one read and one write", async () => {
    const { fake, written, reads } = port([batch(10, [1, 2])], [spec(1, "CLOSED"), spec(2, "OPEN")]);
    const result = await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, fake);
    expect(reads).toEqual(["specBatches 1"]);
    expect(written.map((m) => m.field)).toEqual(["updateIssue"]);
    expect(String(written[0]!.input.body)).toContain("- [x] 1. #1 SPEC 1");
    expect(String(written[0]!.input.body)).toContain("- [ ] 2. #2 SPEC 2");
    expect(result).toMatchObject({ reads: 1, writes: 1, completed: [], failures: [] });
  });

  it("the last SPEC validated completes the batch: its body is written and it is closed as completed", async () => {
    const validated = [config.labels.validated];
    const { fake, written } = port(
      [batch(10, [1, 2])],
      [spec(1, "CLOSED", validated), spec(2, "CLOSED", validated)],
    );
    const result = await refreshBatches(rt, lock(), { kind: "specs", numbers: [2] }, {}, fake);
    expect(written.map((m) => m.field)).toEqual(["updateIssue", "closeIssue"]);
    expect(written[1]!.input).toMatchObject({ issueId: "B_10", stateReason: "COMPLETED" });
    expect(result.completed.map((b) => b.number)).toEqual([10]);
    expect(result.completed[0]!.update.meta.completedAt).toBeTruthy();
    expect(result.progressChanged).toBe(true);
  });

  it("a batch GitHub refused to close is not reported completed (no auto-next)", async () => {
    const validated = [config.labels.validated];
    const { fake } = port([batch(10, [1])], [spec(1, "CLOSED", validated)], ["closeIssue"]);
    const result = await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, fake);
    expect(result.completed).toEqual([]);
    expect(result.failures).toHaveLength(1);
  });

  it("nothing changed: the second refresh reads and writes nothing", async () => {
    const { fake, written } = port([batch(10, [1, 2])], [spec(1, "CLOSED"), spec(2, "OPEN")]);
    await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, fake);
    written.length = 0;
    const again = await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, fake);
    expect(written).toEqual([]);
    expect(again.writes).toBe(0);
  });

  it("a SPEC that is no sub-issue of its batch: the open batches are read to find it", async () => {
    const { fake, written, reads } = port(
      [batch(10, [1, 2])],
      [spec(1, "CLOSED", [], null), spec(2, "OPEN")],
    );
    await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, fake);
    // SPEC 2 came along with nothing (no parent link read): the third read fetches it.
    expect(reads).toEqual(["specBatches 1", "batches", "batchStates 2"]);
    expect(String(written[0]!.input.body)).toContain("- [x] 1. #1 SPEC 1");
  });

  it("a batch target reads the batch issue and its SPECs in one request", async () => {
    const { fake, reads } = port([batch(10, [1, 2])], [spec(1, "OPEN"), spec(2, "OPEN")]);
    await refreshBatches(rt, lock(), { kind: "batch", number: 10, specs: [1, 2] }, {}, fake);
    expect(reads).toEqual(["batchStates 10,1,2"]);
  });

  it("a shared read (the board's) serves the refresh: no read of its own", async () => {
    const { fake, written, reads } = port([batch(10, [1, 2])], [spec(1, "CLOSED"), spec(2, "OPEN")]);
    const shared: BatchTasksPort = {
      ...fake,
      readShared: async () => snapshotOf([batch(10, [1, 2])], [spec(1, "CLOSED"), spec(2, "OPEN")]),
    };
    const result = await refreshBatches(rt, lock(), { kind: "specs", numbers: [1] }, {}, shared);
    expect(reads).toEqual([]);
    expect(written.map((m) => m.field)).toEqual(["updateIssue"]);
    expect(result.reads).toBe(1);
  });

  it("a command needing label ids reads its own target even with a shared read", async () => {
    const { fake, reads } = port([batch(10, [1])], [spec(1, "OPEN")]);
    const shared: BatchTasksPort = { ...fake, readShared: async () => snapshotOf([], []) };
    await refreshBatches(
      rt,
      lock(),
      { kind: "specs", numbers: [1] },
      { labels: [config.labels.blocked], extra: () => [] },
      shared,
    );
    expect(reads[0]).toBe("specBatches 1");
  });
});
