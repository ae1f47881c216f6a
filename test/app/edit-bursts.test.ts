import { afterEach, describe, expect, it, vi } from "vitest";
import { editBursts, mergeEdits } from "../../src/features/dependencies/bursts.js";
import type { IssuesPayload } from "../../src/features/shared/issue-payload.js";

afterEach(() => {
  vi.useRealTimers();
});

function edit(from: string, body: string, action = "edited"): IssuesPayload {
  const issue = { node_id: "I_3", id: 3, number: 3, title: "t", body, created_at: "", updated_at: "" };
  return { action, issue, changes: { body: { from } } };
}

describe("mergeEdits", () => {
  it("keeps the latest issue and the text before the first edit of each field", () => {
    const first = { ...edit("A", "B"), changes: { body: { from: "A" } } };
    const second = { ...edit("B", "C"), changes: { title: { from: "old" }, body: { from: "B" } } };
    const merged = mergeEdits(mergeEdits(null, first), second);
    expect(merged.issue.body).toBe("C");
    expect(merged.changes).toEqual({ body: { from: "A" }, title: { from: "old" } });
  });
});

describe("editBursts", () => {
  it("runs a lone edit at once, folds the edits that follow into one run after a quiet period", async () => {
    vi.useFakeTimers();
    const runs: IssuesPayload[] = [];
    const fold = editBursts({ quietMs: 2000, maxWaitMs: 6000 });
    const run = async (payload: IssuesPayload) => {
      runs.push(payload);
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    const first = fold("k", edit("", "A"), run);
    expect(runs).toHaveLength(1);
    const later = [fold("k", edit("A", "B"), run), fold("k", edit("B", "C"), run)];
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([first, ...later]);
    expect(runs.map((r) => [r.changes?.body?.from, r.issue.body])).toEqual([
      ["", "A"],
      ["A", "C"],
    ]);
    // Other actions are never held back.
    const labeled = fold("k", edit("C", "C", "labeled"), run);
    expect(runs).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(300);
    await labeled;
  });

  it("runs at most maxWaitMs after the first waiting edit, however long the burst", async () => {
    vi.useFakeTimers();
    const started: number[] = [];
    const fold = editBursts({ quietMs: 2000, maxWaitMs: 6000 });
    const run = async () => {
      started.push(Date.now());
    };
    const t0 = Date.now();
    const all: Array<Promise<void>> = [];
    for (let k = 0; k < 200; k++) {
      all.push(fold("k", edit(`${k}`, `${k + 1}`), run));
      await vi.advanceTimersByTimeAsync(50);
    }
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(all);
    expect(started.map((t) => t - t0)).toEqual([0, 6050, 11950]);
  });
});
