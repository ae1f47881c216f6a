import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Fence } from "../../src/infra/lock.js";
import { LockTimeoutError, RedisLock, type RedisLockOptions } from "../../src/infra/redis-lock.js";

const clients: Redis[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

/** A lock as one app instance holds it: its own Redis connection. */
function instance(options: RedisLockOptions = {}, prefix = "shared") {
  const redis = new Redis(inject("redisUrl"));
  clients.push(redis);
  return { lock: new RedisLock(redis, { prefix, retryDelayMs: 5, ...options }), redis };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RedisLock", () => {
  it("lets one holder at a time into the critical section across two instances, tokens growing", async () => {
    const prefix = randomUUID();
    const a = instance({}, prefix).lock;
    const b = instance({}, prefix).lock;
    let inside = 0;
    let most = 0;
    const tokens: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).run("acme/specs", async (fence) => {
          inside++;
          most = Math.max(most, inside);
          tokens.push(fence.token);
          await sleep(Math.random() * 5);
          expect(await fence.isCurrent()).toBe(true);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(tokens).toHaveLength(40);
    expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
    expect(new Set(tokens).size).toBe(40);
  });

  it("keeps different repositories apart", async () => {
    const { lock } = instance({}, randomUUID());
    const order: string[] = [];
    await Promise.all([
      lock.run("acme/one", async () => {
        await sleep(50);
        order.push("one");
      }),
      lock.run("acme/two", async () => {
        order.push("two");
      }),
    ]);
    expect(order).toEqual(["two", "one"]);
  });

  it("takes the lock from a holder that stalled past its lease; the stalled holder is no longer current", async () => {
    const prefix = randomUUID();
    // No renewal within the lease: the holder behaves like a process paused by GC or a slow GitHub.
    const stalled = instance({ leaseMs: 150, renewEveryMs: 60_000, safetyMs: 0 }, prefix);
    const next = instance({ leaseMs: 5_000 }, prefix);
    let oldFence!: Fence;
    let newFence!: Fence;
    let release!: () => void;
    const held = stalled.lock.run("acme/specs", async (fence) => {
      oldFence = fence;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await sleep(20);
    expect(await oldFence.isCurrent()).toBe(true);
    await sleep(200);
    let successorDone!: () => void;
    const successorHolds = new Promise<void>((resolve) => {
      successorDone = resolve;
    });
    const successor = next.lock.run("acme/specs", async (fence) => {
      newFence = fence;
      await successorHolds;
    });
    await sleep(50);
    expect(newFence.token).toBeGreaterThan(oldFence.token);
    expect(await oldFence.isCurrent()).toBe(false);
    expect(await newFence.isCurrent()).toBe(true);
    // The stalled holder finishing must not delete its successor's lease.
    release();
    await held;
    expect(await newFence.isCurrent()).toBe(true);
    expect(await next.redis.get(`${prefix}:lock:acme/specs`)).toMatch(new RegExp(`:${newFence.token}$`));
    successorDone();
    await successor;
  });

  it("renews the lease while the holder works, so nobody else gets in", async () => {
    const prefix = randomUUID();
    const holder = instance({ leaseMs: 200, renewEveryMs: 50 }, prefix);
    const other = instance({ acquireTimeoutMs: 400 }, prefix);
    await holder.lock.run("acme/specs", async (fence) => {
      await expect(other.lock.run("acme/specs", async () => "got in")).rejects.toBeInstanceOf(
        LockTimeoutError,
      );
      expect(await fence.isCurrent()).toBe(true);
    });
    expect(await other.lock.run("acme/specs", async () => "got in")).toBe("got in");
  });

  it("says not current when Redis can't confirm the lease", async () => {
    const { lock, redis } = instance({}, randomUUID());
    await lock.run("acme/specs", async (fence) => {
      expect(await fence.isCurrent()).toBe(true);
      redis.disconnect();
      expect(await fence.isCurrent()).toBe(false);
    });
  });

  it("releases the lock when the holder throws", async () => {
    const prefix = randomUUID();
    const { lock } = instance({ acquireTimeoutMs: 200 }, prefix);
    await expect(lock.run("acme/specs", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await lock.run("acme/specs", async (fence) => fence.token)).toBe(2);
  });
});
