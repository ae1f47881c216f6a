import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, inject, it } from "vitest";
import { batchbot } from "../../src/app.js";
import { RedisLock } from "../../src/infra/redis-lock.js";
import { RedisJobStore } from "../../src/jobs/job-store.js";
import { type JobSettings, Jobs, localJobSettings } from "../../src/jobs/jobs.js";
import { DEFAULT_REDELIVERY } from "../../src/jobs/redeliver.js";
import { BOT, createHarness, type Harness } from "../helpers/harness.js";

const R = "acme/specs";
const clients: Redis[] = [];
let h: Harness;
afterEach(() => {
  h?.fake.uninstall();
  for (const c of clients.splice(0)) c.disconnect();
});

/** What one instance's jobs share with the others through Redis: its own connection, the same keys. */
function sharedJobs(prefix: string, everyMs: number, leaseMs = 60_000): Partial<JobSettings> {
  const redis = new Redis(inject("redisUrl"));
  clients.push(redis);
  return {
    redeliverEveryMs: everyMs,
    reconcileEveryMs: everyMs,
    lock: new RedisLock(redis, { prefix, leaseMs, acquireTimeoutMs: 0 }),
    store: new RedisJobStore(redis, `${prefix}:job`),
  };
}

/** A second app instance on the same fake GitHub; its timers off, its jobs run by the test. */
function secondInstance(settings: Partial<JobSettings>): Jobs {
  const jobs = new Jobs({
    redeliverEveryMs: 0,
    reconcileEveryMs: 0,
    lock: settings.lock!,
    store: settings.store!,
    concurrency: 2,
    redelivery: DEFAULT_REDELIVERY,
    ...settings,
  });
  const probot = new Probot({
    githubToken: "test-token",
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  void probot.load(batchbot({ botLogin: BOT, jobs }));
  return jobs;
}

/** A repository with drift to repair: #2's dependency is closed, but #2 is still labelled blocked. */
function withDrift() {
  h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
  h.fake.addIssue(R, { number: 1, labels: ["spec", "validated"], state: "CLOSED", stateReason: "COMPLETED" });
  h.fake.addIssue(R, { number: 2, labels: ["spec", "blocked"], body: "Depends on #1" });
}

const sweeps = () => h.fake.requests.filter((r) => r.path.startsWith("/app/installations")).length;

describe("two app instances sharing Redis run each job once", () => {
  it("fired together, one sweeps and the other stands aside", async () => {
    const prefix = randomUUID();
    h = createHarness({ jobs: sharedJobs(prefix, 3600_000) });
    const other = secondInstance(sharedJobs(prefix, 3600_000));
    withDrift();
    const outcomes = await Promise.all([h.jobs.reconcile(), other.reconcile()]);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect(outcomes.find((o) => !o.ran)).toMatchObject({
      ran: false,
      reason: expect.stringMatching(/busy|recent/),
    });
    expect(sweeps()).toBe(1);
    expect(h.fake.issue(R, 2).labels).toEqual(["spec", "ready"]);
  });

  it("(control) with a lock and memory of their own, both instances sweep: the test can see a double sweep", async () => {
    h = createHarness({ jobs: { ...localJobSettings(), reconcileEveryMs: 3600_000 } });
    const other = secondInstance({ ...localJobSettings(), reconcileEveryMs: 3600_000 });
    withDrift();
    const outcomes = await Promise.all([h.jobs.reconcile(), other.reconcile()]);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(2);
    expect(sweeps()).toBe(2);
  });

  it("one after the other in the same period, the second finds the sweep done", async () => {
    const prefix = randomUUID();
    h = createHarness({ jobs: sharedJobs(prefix, 3600_000) });
    const other = secondInstance(sharedJobs(prefix, 3600_000));
    withDrift();
    expect((await h.jobs.reconcile()).ran).toBe(true);
    expect(await other.reconcile()).toEqual({ ran: false, reason: "recent" });
    expect(sweeps()).toBe(1);
  });

  it("an instance that died mid-sweep leaves a lock that expires, and the next run finishes the work", async () => {
    const prefix = randomUUID();
    h = createHarness({ jobs: sharedJobs(prefix, 3600_000) });
    withDrift();
    // The dead instance's lease: taken, never renewed nor released, no finish time written.
    const redis = new Redis(inject("redisUrl"));
    clients.push(redis);
    await redis.set(`${prefix}:lock:job:reconcile`, "dead-instance:1", "PX", 300);
    expect(await h.jobs.reconcile()).toEqual({ ran: false, reason: "busy" });
    while ((await redis.pttl(`${prefix}:lock:job:reconcile`)) > 0)
      await new Promise((r) => setTimeout(r, 50));
    expect((await h.jobs.reconcile()).ran).toBe(true);
    expect(h.fake.issue(R, 2).labels).toEqual(["spec", "ready"]);
  });

  it("two instances redelivering from the same delivery log ask for each failed GUID once", async () => {
    const prefix = randomUUID();
    // Redelivery every run (no gap): only the shared lock and the GUIDs remembered in Redis keep it single.
    h = createHarness({ jobs: sharedJobs(prefix, 0) });
    const other = secondInstance(sharedJobs(prefix, 0));
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    const guids = [1, 2, 3].map(() => h.drop("issues", h.issueEvent(R, 1, "edited")));
    const runs = await Promise.all([
      h.jobs.redeliver(),
      other.redeliver(),
      h.jobs.redeliver(),
      other.redeliver(),
    ]);
    const asked = runs.flatMap((o) => (o.ran ? o.result.redelivered : []));
    expect(asked.sort()).toEqual([...guids].sort());
    expect(h.fake.redeliveryRequests.map((d) => d.guid).sort()).toEqual([...guids].sort());
  });
});
