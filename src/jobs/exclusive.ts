import type { Lock } from "../infra/lock.js";
import { LockTimeoutError } from "../infra/redis-lock.js";
import type { JobStore } from "./job-store.js";

export type ExclusiveOutcome<T> =
  | { ran: true; result: T }
  /** Another instance holds the job's lock: it is running the job now. */
  | { ran: false; reason: "busy" }
  /** Another instance finished the job less than `minGapMs` ago: this period's run is done. */
  | { ran: false; reason: "recent" };

/**
 * Runs a periodic job on one instance at a time. `lock` must give up at once when the job's lock is held (a
 * `RedisLock` with `acquireTimeoutMs: 0`); its lease outlasts a run and is renewed while the job runs, so an
 * instance that dies mid-run leaves a lease that expires. When the job finishes, the time is written to
 * `store`, and an instance whose timer fires less than `minGapMs` later skips the run: one run per period.
 */
export async function runExclusive<T>(
  name: string,
  settings: { lock: Lock; store: JobStore; minGapMs: number; now?: () => number },
  job: () => Promise<T>,
): Promise<ExclusiveOutcome<T>> {
  const now = settings.now ?? Date.now;
  const key = `${name}:finished`;
  try {
    return await settings.lock.run(`job:${name}`, async () => {
      const finished = Number(await settings.store.get(key));
      if (settings.minGapMs > 0 && finished > 0 && now() - finished < settings.minGapMs)
        return { ran: false, reason: "recent" } as const;
      const result = await job();
      await settings.store.set(key, String(now()), Math.max(settings.minGapMs, 1000));
      return { ran: true, result } as const;
    });
  } catch (error) {
    if (error instanceof LockTimeoutError) return { ran: false, reason: "busy" };
    throw error;
  }
}
