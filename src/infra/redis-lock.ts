import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Fence, Lock } from "./lock.js";

export interface RedisLockOptions {
  /** Prefix of the Redis keys: `<prefix>:lock:<key>` (the lease) and `<prefix>:fence:<key>` (the counter). */
  prefix?: string;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** How often the holder renews its lease; well under `leaseMs`. */
  renewEveryMs?: number;
  /** `isCurrent()` answers false once less than this is left of the lease, so a write it allows ends in time. */
  safetyMs?: number;
  /** How long to wait for the lock before giving up with `LockTimeoutError`. */
  acquireTimeoutMs?: number;
  /** Pause between attempts to take a held lock (jittered). */
  retryDelayMs?: number;
}

export class LockTimeoutError extends Error {}

/** Takes the lock when free, with the next fencing token; `0` when someone holds it. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token`;

/** Extends the lease, only for its owner. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Gives the lock up, only for its owner (an expired holder must not delete its successor's lease). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Whether `ARGV[1]` still owns the lease and no newer token was handed out. */
const CURRENT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(redis.call('GET', KEYS[2])) ~= tonumber(ARGV[2]) then return 0 end
return 1`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The planning lock across app instances: a lease in Redis (`SET` with expiry, renewed while the holder works)
 * and a fencing token from `INCR` that grows with every acquisition. A holder that stalls past its lease loses
 * the lock; its `isCurrent()` turns false (lease gone, or a newer token handed out) and it must stop writing.
 * Release and renewal check ownership in Lua, so they never touch a successor's lease.
 */
export class RedisLock implements Lock {
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly safetyMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisLockOptions = {},
  ) {
    this.prefix = options.prefix ?? "batchbot";
    this.leaseMs = options.leaseMs ?? 30_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    this.safetyMs = options.safetyMs ?? Math.floor(this.leaseMs / 10);
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  async run<T>(key: string, fn: (fence: Fence) => Promise<T>): Promise<T> {
    const lockKey = `${this.prefix}:lock:${key}`;
    const fenceKey = `${this.prefix}:fence:${key}`;
    const owner = randomUUID();
    const { token, leaseStart } = await this.acquire(lockKey, fenceKey, owner, key);
    const value = `${owner}:${token}`;
    let leaseEnd = leaseStart + this.leaseMs;
    let lost = false;

    const renewal = setInterval(() => {
      const sent = Date.now();
      this.redis
        .eval(RENEW, 1, lockKey, value, this.leaseMs)
        .then((renewed) => {
          if (renewed === 1) leaseEnd = sent + this.leaseMs;
          else lost = true;
        })
        .catch(() => undefined); // Unreachable Redis: the lease runs out and isCurrent() says so.
    }, this.renewEveryMs);
    renewal.unref();

    const fence: Fence = {
      token,
      isCurrent: async () => {
        if (lost || Date.now() > leaseEnd - this.safetyMs) return false;
        try {
          const current = (await this.redis.eval(CURRENT, 2, lockKey, fenceKey, value, token)) === 1;
          if (!current) lost = true;
          return current;
        } catch {
          return false;
        }
      },
    };
    try {
      return await fn(fence);
    } finally {
      clearInterval(renewal);
      await this.redis.eval(RELEASE, 1, lockKey, value).catch(() => undefined);
    }
  }

  private async acquire(lockKey: string, fenceKey: string, owner: string, key: string) {
    const deadline = Date.now() + this.acquireTimeoutMs;
    for (;;) {
      const leaseStart = Date.now();
      const token = Number(await this.redis.eval(ACQUIRE, 2, lockKey, fenceKey, owner, this.leaseMs));
      if (token > 0) return { token, leaseStart };
      if (Date.now() >= deadline)
        throw new LockTimeoutError(`planning lock "${key}" still held after ${this.acquireTimeoutMs} ms`);
      await sleep(this.retryDelayMs * (0.5 + Math.random()));
    }
  }
}
