import { Redis } from "ioredis";
import type { Probot } from "probot";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "../github/graphql.js";
import { LocalLock, type Lock } from "../infra/lock.js";
import type { Metrics } from "../infra/metrics.js";
import { RedisLock } from "../infra/redis-lock.js";
import { type ExclusiveOutcome, runExclusive } from "./exclusive.js";
import { type JobStore, MemoryJobStore, RedisJobStore } from "./job-store.js";
import {
  type RepositorySweep,
  reconcileRepository,
  type SweepReport,
  type SyncRepositoryState,
  sweepInstallations,
} from "./reconcile.js";
import {
  DEFAULT_REDELIVERY,
  type RedeliveryReport,
  type RedeliverySettings,
  redeliverFailed,
} from "./redeliver.js";
import { every, intervalMs, type Schedule } from "./scheduler.js";

export interface JobSettings {
  /** How often failed deliveries are redelivered; 0: never. */
  redeliverEveryMs: number;
  /** How often every repository is reconciled; 0: never. */
  reconcileEveryMs: number;
  /** One instance at a time per job: a lock that gives up at once when held (see `runExclusive`). */
  lock: Lock;
  store: JobStore;
  /** Installations the sweep walks at once. */
  concurrency: number;
  redelivery: RedeliverySettings;
}

/** How long a job's lock lasts without renewal: renewed while the job runs, it expires soon after a crash. */
export const JOB_LEASE_MS = 5 * 60_000;

/**
 * The jobs' settings from the environment: `BATCHBOT_REDELIVER_INTERVAL` (seconds, 600),
 * `BATCHBOT_RECONCILE_INTERVAL` (seconds, 21600), `BATCHBOT_RECONCILE_CONCURRENCY` (2); the lock and the
 * memory in Redis when `REDIS_URL` is set, in this process otherwise.
 */
export function jobSettings(
  env: NodeJS.ProcessEnv = process.env,
  onError: (e: Error) => void = () => {},
): JobSettings {
  const concurrency = Number(env.BATCHBOT_RECONCILE_CONCURRENCY);
  const common = {
    redeliverEveryMs: intervalMs(env, "BATCHBOT_REDELIVER_INTERVAL", 600),
    reconcileEveryMs: intervalMs(env, "BATCHBOT_RECONCILE_INTERVAL", 6 * 3600),
    concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 2,
    redelivery: DEFAULT_REDELIVERY,
  };
  if (!env.REDIS_URL) return { ...common, lock: new LocalLock(), store: new MemoryJobStore() };
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on("error", onError);
  return {
    ...common,
    lock: new RedisLock(redis, { leaseMs: JOB_LEASE_MS, acquireTimeoutMs: 0 }),
    store: new RedisJobStore(redis),
  };
}

/** Jobs run only when called, in this process (tests, GitHub Actions). */
export function localJobSettings(): JobSettings {
  return {
    redeliverEveryMs: 0,
    reconcileEveryMs: 0,
    lock: new LocalLock(),
    store: new MemoryJobStore(),
    concurrency: 2,
    redelivery: DEFAULT_REDELIVERY,
  };
}

export interface JobContext {
  app: Probot;
  botLogin: () => Promise<string>;
  hosts: readonly string[];
  sync: SyncRepositoryState;
  metrics?: Metrics;
}

/**
 * The two periodic jobs of a server: redelivering failed webhook deliveries, and the reconcile sweep. Created in
 * `src/main.ts`, started by the app once its parts exist; `redeliver()` and `reconcile()` run a job now (still
 * one instance at a time), which is what the timers call.
 */
export class Jobs {
  private schedules: Schedule[] = [];
  private started!: (context: JobContext) => void;
  /** The app's parts, once the app has started the jobs (Probot loads the app asynchronously). */
  private readonly context = new Promise<JobContext>((resolve) => {
    this.started = resolve;
  });

  constructor(readonly settings: JobSettings) {}

  start(context: JobContext): void {
    this.started(context);
    const { app } = context;
    const onError = (job: string) => (error: unknown) =>
      app.log.error({ err: error, job }, `${job} job failed`);
    this.schedules.push(
      every(this.settings.redeliverEveryMs, () => this.redeliver(), onError("redeliver")),
      every(this.settings.reconcileEveryMs, () => this.reconcile(), onError("reconcile")),
    );
  }

  stop(): void {
    for (const s of this.schedules.splice(0)) s.stop();
  }

  redeliver(): Promise<ExclusiveOutcome<RedeliveryReport>> {
    return this.run("redeliver", this.settings.redeliverEveryMs, async ({ app, metrics }) => {
      const log = app.log.child({ job: "redeliver" });
      const report = await redeliverFailed(
        await app.auth(),
        this.settings.store,
        log,
        this.settings.redelivery,
      );
      metrics?.redeliveries.inc({ outcome: "requested" }, report.redelivered.length);
      metrics?.redeliveries.inc({ outcome: "refused" }, report.refused.length);
      const { redelivered, refused, ...counts } = report;
      log.info({ ...counts, redelivered: redelivered.length, refused: refused.length }, "redeliver: done");
      return report;
    });
  }

  reconcile(): Promise<ExclusiveOutcome<SweepReport>> {
    return this.run("reconcile", this.settings.reconcileEveryMs, async (context) => {
      const log = context.app.log.child({ job: "reconcile" });
      const report = await sweepInstallations(context.app, {
        ...context,
        botLogin: await context.botLogin(),
        log,
        concurrency: this.settings.concurrency,
      });
      const by = (o: string) => report.repositories.filter((r) => r.outcome === o).length;
      log.info(
        {
          installations: report.installations,
          repositories: report.repositories.length,
          repaired: by("repaired"),
          failed: by("failed"),
        },
        "reconcile: sweep done",
      );
      return report;
    });
  }

  /** Reconciles one repository now, with `octokit` (GitHub Actions: the workflow token; no lock needed there). */
  async reconcileRepository(octokit: GitHub, repo: RepoRef): Promise<RepositorySweep> {
    const context = await this.context;
    return reconcileRepository(octokit, repo, {
      ...context,
      botLogin: await context.botLogin(),
      log: context.app.log.child({ job: "reconcile" }),
    });
  }

  private async run<T>(
    job: string,
    everyMs: number,
    fn: (context: JobContext) => Promise<T>,
  ): Promise<ExclusiveOutcome<T>> {
    const context = await this.context;
    try {
      const outcome = await runExclusive(
        job,
        { lock: this.settings.lock, store: this.settings.store, minGapMs: everyMs / 2 },
        () => fn(context),
      );
      context.metrics?.jobRuns.inc({ job, outcome: outcome.ran ? "ok" : "skipped" });
      return outcome;
    } catch (error) {
      context.metrics?.jobRuns.inc({ job, outcome: "error" });
      throw error;
    }
  }
}
