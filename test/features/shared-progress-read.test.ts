import { describe, expect, it } from "vitest";
import { type BatchIssue, encodeBatchMeta } from "../../src/domain/batch.js";
import type { RefreshResult } from "../../src/features/batch-tasks/run.js";
import { SharedProgressRead } from "../../src/features/board-and-dashboard/shared-read.js";
import { batchSnapshotFromProgress } from "../../src/github/progress-batches.js";
import type { ProgressSnapshot } from "../../src/github/progress-reader.js";

const META = {
  v: 1 as const,
  id: "1:agent",
  agent: "agent",
  sequence: 1,
  specs: [1],
  fixes: [],
  shared: [],
  sourceCommentId: 1,
  createdAt: "2026-11-20T10:00:00Z",
};

function snapshot(): ProgressSnapshot {
  const batch: BatchIssue = {
    id: "B_10",
    number: 10,
    state: "OPEN",
    title: "Batch",
    body: encodeBatchMeta(META),
    meta: META,
  };
  return {
    repositoryId: "R_1",
    dashboardLabelId: null,
    dashboards: [],
    specs: [],
    changesRequestedEver: new Set(),
    batches: [batch],
    project: null,
    projectProblem: null,
    items: new Map(),
    batchComments: new Map([
      [
        10,
        {
          comments: [{ id: 7, author: { login: "agent", type: "User" }, association: "NONE" }],
          commentsAfter: null,
        },
      ],
    ]),
    requests: 1,
  };
}

function loaded() {
  const progress = snapshot();
  return { progress, batches: batchSnapshotFromProgress(progress) };
}

function completed(failures: string[] = []): RefreshResult {
  const meta = { ...META, completedAt: "2026-11-28T00:00:00Z" };
  const refreshed = {
    number: 10,
    id: "B_10",
    update: { body: "done", meta, progress: {} as never, changed: true, completed: true },
  };
  return {
    reads: 1,
    writes: 1,
    snapshot: null,
    batches: [refreshed],
    completed: failures.length ? [] : [refreshed],
    progressChanged: true,
    failures,
  };
}

describe("SharedProgressRead", () => {
  it("reads once for batch tasks, takes their writes, and hands the result to the refresh", async () => {
    let loads = 0;
    const shared = new SharedProgressRead(
      async () => {
        loads++;
        return loaded();
      },
      () => () => true,
    );
    expect(shared.usable()).toBeNull(); // nothing read yet: the refresh reads itself
    const batches = await shared.batches();
    // Batch tasks get the batch with its comments (its messages are recounted from them).
    expect(batches.batches.get(10)).toMatchObject({ meta: { agent: "agent" }, comments: [{ id: 7 }] });
    expect(batches.requests).toBe(1);
    expect((await shared.batches()).requests).toBe(0);
    expect(loads).toBe(1);
    shared.applyBatchWrites(completed());
    expect(shared.usable()?.batches[0]).toMatchObject({ state: "CLOSED", body: "done" });
    expect((await shared.batches()).batches.get(10)).toMatchObject({ state: "CLOSED", body: "done" });
  });

  it("a write GitHub refused spoils it: the refresh reads again", async () => {
    const shared = new SharedProgressRead(
      async () => loaded(),
      () => () => true,
    );
    await shared.batches();
    shared.applyBatchWrites(completed(["batch #10: close: refused"]));
    expect(shared.usable()).toBeNull();
  });

  it("another refresh since the read makes it stale", async () => {
    let others = 0;
    const shared = new SharedProgressRead(
      async () => loaded(),
      () => {
        const at = others;
        return () => others === at;
      },
    );
    await shared.batches();
    expect(shared.usable()).not.toBeNull();
    others++;
    expect(shared.usable()).toBeNull();
  });

  it("a refresh that started after batch tasks' writes and succeeded (auto-next's) makes a second one needless", async () => {
    let lastOk = 0;
    let started = 0;
    const shared = new SharedProgressRead(
      async () => loaded(),
      () => {
        const at = started;
        return () => started === at;
      },
      () => {
        const at = started;
        return () => lastOk > at;
      },
    );
    await shared.batches();
    expect(shared.covered()).toBe(false);
    shared.applyBatchWrites(completed());
    expect(shared.covered()).toBe(false);
    started++; // auto-next opened a batch and refreshed the board: the shared read is stale...
    expect(shared.usable()).toBeNull();
    lastOk = started; // ...and that refresh, made after the writes, succeeded: it covers this one.
    expect(shared.covered()).toBe(true);
  });
});
