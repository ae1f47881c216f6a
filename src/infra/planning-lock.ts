import { Redis } from "ioredis";
import { LocalLock, type Lock } from "./lock.js";
import { RedisLock } from "./redis-lock.js";

/**
 * The lock for planning commands: in Redis when `REDIS_URL` is set (instances behind a load balancer share it),
 * otherwise in-process. `BATCHBOT_LOCK_LEASE_MS` sets the lease (30 s).
 */
export function planningLock(
  env: NodeJS.ProcessEnv = process.env,
  onError: (error: Error) => void = () => undefined,
): Lock {
  if (!env.REDIS_URL) return new LocalLock();
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on("error", onError);
  const lease = Number(env.BATCHBOT_LOCK_LEASE_MS);
  return new RedisLock(redis, Number.isFinite(lease) && lease > 0 ? { leaseMs: lease } : {});
}
