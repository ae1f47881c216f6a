import { describe, expect, it } from "vitest";
import { LocalLock, type Lock } from "../../src/infra/lock.js";
import { LockTimeoutError } from "../../src/infra/redis-lock.js";
import { runExclusive } from "../../src/jobs/exclusive.js";
import { MemoryJobStore } from "../../src/jobs/job-store.js";
import { forEachLimit } from "../../src/jobs/limit.js";

describe("one instance runs each job", () => {
  it("skips a run when the job finished less than the gap ago, runs it again after", async () => {
    let clock = 1_000_000;
    const store = new MemoryJobStore(() => clock);
    const settings = { lock: new LocalLock(), store, minGapMs: 300_000, now: () => clock };
    let runs = 0;
    const job = async () => ++runs;
    expect(await runExclusive("reconcile", settings, job)).toEqual({ ran: true, result: 1 });
    clock += 200_000;
    expect(await runExclusive("reconcile", settings, job)).toEqual({ ran: false, reason: "recent" });
    clock += 200_000;
    expect(await runExclusive("reconcile", settings, job)).toEqual({ ran: true, result: 2 });
  });

  it("skips a run while another instance holds the job's lock", async () => {
    const held: Lock = {
      run: async () => {
        throw new LockTimeoutError("held");
      },
    };
    const outcome = await runExclusive(
      "reconcile",
      { lock: held, store: new MemoryJobStore(), minGapMs: 0 },
      async () => 1,
    );
    expect(outcome).toEqual({ ran: false, reason: "busy" });
  });

  it("a failed run leaves no finish time: the next tick runs it", async () => {
    const settings = { lock: new LocalLock(), store: new MemoryJobStore(), minGapMs: 300_000 };
    await expect(
      runExclusive("reconcile", settings, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await runExclusive("reconcile", settings, async () => 1)).ran).toBe(true);
  });

  it("the memory store claims a key once until it expires", async () => {
    let clock = 0;
    const store = new MemoryJobStore(() => clock);
    expect(await store.claim("g", 1000)).toBe(true);
    expect(await store.claim("g", 1000)).toBe(false);
    clock = 1000;
    expect(await store.claim("g", 1000)).toBe(true);
  });

  it("walks items with at most `limit` at once", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(n);
      running--;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
