import type { Redis } from "ioredis";

/**
 * What the periodic jobs remember between runs (the redelivery checkpoint, the GUIDs already redelivered, when a
 * job last finished): in Redis when instances share one (`REDIS_URL`), in memory otherwise.
 */
export interface JobStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets `key` only if it is not set yet (atomically, across instances); whether this call set it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export class MemoryJobStore implements JobStore {
  private values = new Map<string, { value: string; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    const entry = this.values.get(key);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.values.delete(key);
      return null;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.values.set(key, { value, expires: ttlMs ? this.now() + ttlMs : Number.POSITIVE_INFINITY });
    if (this.values.size > 10_000) this.prune();
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if ((await this.get(key)) !== null) return false;
    await this.set(key, "1", ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.values) if (entry.expires <= now) this.values.delete(key);
  }
}

export class RedisJobStore implements JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "batchbot:job",
  ) {}

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.key(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(this.key(key), value, "PX", ttlMs);
    else await this.redis.set(this.key(key), value);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(key), "1", "PX", ttlMs, "NX")) === "OK";
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
