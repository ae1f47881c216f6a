import { Worker } from "node:worker_threads";
import nock from "nock";
import type { ApplicationFunction } from "probot";
import type { Lock } from "../src/infra/lock.js";
import type { FakeGitHub } from "../test/helpers/fake-github.js";
import { fastOctokit } from "../test/helpers/github-client.js";
import { createHarness, examplePayload, type Harness, repositoryPayload } from "../test/helpers/harness.js";
import { type RunningApp, signature, startApp } from "../test/helpers/server.js";
import { percentile } from "./stats.js";

/**
 * The load harness: batchbot on Probot's real HTTP server (one or more instances) on loopback, GitHub faked
 * in-process, and signed deliveries of real webhook payloads fired at a fixed concurrency. Used by
 * test/integration/load.test.ts (CI) and bench/load.bench.ts (`npm run bench`).
 */
export interface LoadOptions {
  /** How many deliveries to send (bounded). */
  deliveries: number;
  /** How many are in flight at once. */
  concurrency: number;
  /** App instances sharing the fake GitHub; deliveries go round-robin. */
  instances?: number;
  /** The planning lock of instance `i` (two instances sharing Redis: a RedisLock each). */
  lock?: (instance: number) => Lock;
  /** More app functions loaded on each instance beside batchbot, with that instance's lock (test fixtures). */
  apps?: (context: { lock: Lock | undefined; instance: number }) => ApplicationFunction[];
  /** No new delivery is sent after this long; the report says how many completed. */
  timeLimitMs?: number;
  /**
   * Runs alongside the load, with the running instances: fire concurrent planning commands
   * (`/batch assign` split across instances) and check their invariants on `fake`.
   */
  scenario?: (context: LoadContext) => Promise<void>;
  /** Extra repository state before the load starts. */
  seed?: (harness: Harness) => void;
}

export interface LoadContext {
  apps: RunningApp[];
  fake: FakeGitHub;
  harness: Harness;
}

export interface LoadReport {
  sent: number;
  completed: number;
  /**
   * Requests that failed or were answered other than 200/202, handlers that threw (also after a 202), and
   * requests the fake GitHub could not serve.
   */
  errors: number;
  /** Deliveries answered 202: still being handled after 9 s, so Probot answered GitHub early. */
  slow: number;
  statuses: Record<string, number>;
  unhandled: string[];
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  peakRssMb: number;
  githubRequests: number;
  /** Deliveries sent and their p95 latency (ms), by kind of delivery. */
  mix: Record<string, { count: number; p95: number }>;
}

interface Delivery {
  kind: string;
  event: string;
  payload: Record<string, unknown>;
}

const REPO = "acme/specs";
const SPECS = 40;
const FIRST_PULL = 70;
const PULLS = 10;

/** A repository with a dependency web of SPECs, and issues to comment on. */
function seedRepository(h: Harness): void {
  for (let n = 1; n <= SPECS; n++)
    h.fake.addIssue(REPO, {
      number: n,
      title: `SPEC-${n}`,
      labels: ["spec", ...(n % 5 === 0 ? ["partial"] : [])],
      body: n > 2 ? `Depends on #${n - 1}, #${Math.max(1, n - 3)}` : "",
      state: n % 7 === 0 ? "CLOSED" : "OPEN",
      stateReason: n % 7 === 0 ? "COMPLETED" : null,
    });
  for (let n = SPECS + 1; n <= SPECS + 20; n++)
    h.fake.addIssue(REPO, { number: n, title: `Discussion ${n}` });
  // Pull requests that close SPECs, reviewed by the two validation stages.
  for (let n = 0; n < PULLS; n++)
    h.fake.addPullRequest(REPO, {
      number: FIRST_PULL + n,
      title: `Implement SPEC-${n + 1}`,
      author: "agent",
      body: `Closes #${n + 1}`,
      headSha: `head-${n}`,
      closingIssues: [n + 1],
    });
  const repo = h.fake.repo(REPO);
  repo.files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [carol]\n  e2e-check: ci/e2e\n");
  for (const login of ["alice", "carol", "agent"]) repo.collaborators.set(login, "write");
  h.fake.repo("acme/.github");
}

/** The mix of deliveries, each from a real payload of @octokit/webhooks-examples shaped to the fake GitHub. */
function buildDeliveries(h: Harness, count: number): Delivery[] {
  const repo = h.fake.repo(REPO);
  const installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  const repository = () => repositoryPayload(repo, examplePayload("issues", "opened").repository);
  const spec = (i: number) => 1 + (i % SPECS);
  const talk = (i: number) => SPECS + 1 + (i % 20);
  const kinds: Array<[string, number, (i: number) => Delivery]> = [
    [
      "issues.opened",
      10,
      (i) => ({ kind: "", event: "issues", payload: h.issueEvent(REPO, spec(i), "opened") }),
    ],
    [
      "issues.edited",
      10,
      (i) => ({
        kind: "",
        event: "issues",
        payload: h.issueEvent(REPO, spec(i), "edited", { changes: { body: { from: "" } } }),
      }),
    ],
    [
      "issues.labeled",
      5,
      (i) => ({
        kind: "",
        event: "issues",
        payload: h.issueEvent(REPO, spec(i), "labeled", { label: { name: "ready" } }),
      }),
    ],
    [
      "issues.closed",
      5,
      (i) => ({ kind: "", event: "issues", payload: h.issueEvent(REPO, spec(i), "closed") }),
    ],
    [
      "issues.assigned",
      5,
      (i) => ({ kind: "", event: "issues", payload: h.issueEvent(REPO, spec(i), "assigned") }),
    ],
    [
      "issue_comment /batch help",
      10,
      (i) => ({
        kind: "",
        event: "issue_comment",
        payload: h.commentEvent(REPO, talk(i), "alice", "Please see below.\n\n/batch help"),
      }),
    ],
    [
      "issue_comment (no command)",
      20,
      (i) => ({
        kind: "",
        event: "issue_comment",
        payload: h.commentEvent(REPO, talk(i), "bob", "Looks good to me, `/batch assign` later."),
      }),
    ],
    [
      "pull_request.synchronize",
      4,
      (i) => ({
        kind: "",
        event: "pull_request",
        payload: h.pullRequestEvent(REPO, FIRST_PULL + (i % PULLS), "synchronize"),
      }),
    ],
    [
      "pull_request_review.submitted",
      4,
      (i) => ({
        kind: "",
        event: "pull_request_review",
        payload: h.reviewEvent(REPO, FIRST_PULL + (i % PULLS), i % 2 ? "alice" : "carol", "APPROVED"),
      }),
    ],
    [
      "status (E2E check)",
      2,
      (i) => ({
        kind: "",
        event: "status",
        payload: h.statusEvent(REPO, `head-${i % PULLS}`, "ci/e2e", i % 3 ? "success" : "failure"),
      }),
    ],
    [
      "push (config changed)",
      5,
      (i) => ({
        kind: "",
        event: "push",
        payload: {
          ...examplePayload("push"),
          after: `sha${i}`,
          deleted: false,
          commits: [{ added: [], modified: [".github/batch.yml"], removed: [] }],
          head_commit: null,
          repository: repository(),
          installation,
        },
      }),
    ],
    [
      "push (other files)",
      10,
      (i) => ({
        kind: "",
        event: "push",
        payload: {
          ...examplePayload("push"),
          after: `sha${i}`,
          commits: [{ added: ["README.md"], modified: [], removed: [] }],
          repository: repository(),
          installation,
        },
      }),
    ],
    [
      "installation.created",
      2,
      () => ({
        kind: "",
        event: "installation",
        payload: {
          ...examplePayload("installation", "created"),
          repositories: [{ id: repo.databaseId, node_id: repo.id, name: repo.name, full_name: REPO }],
          installation: { ...examplePayload("installation", "created").installation, id: 1 },
        },
      }),
    ],
    [
      "star (not subscribed)",
      9,
      () => ({ kind: "", event: "star", payload: examplePayload("star", "created") }),
    ],
    ["watch (not subscribed)", 9, () => ({ kind: "", event: "watch", payload: examplePayload("watch") })],
  ];
  const weights = kinds.flatMap(([, weight], k) => Array.from({ length: weight }, () => k));
  return Array.from({ length: count }, (_, i) => {
    const [kind, , build] = kinds[weights[i % weights.length]!]!;
    return { ...build(i), kind };
  });
}

interface ClientResult {
  latencies: Array<number | null>;
  statuses: Array<number | "failed" | null>;
  sent: number;
  seconds: number;
}

/** Runs the load generator (bench/load-client.mjs) in a worker thread and waits for its report. */
function runClient(
  deliveries: Array<{ url: string; event: string; id: string; body: string; signature: string }>,
  concurrency: number,
  timeLimitMs: number,
): Promise<ClientResult> {
  const worker = new Worker(new URL("./load-client.mjs", import.meta.url), {
    workerData: { deliveries, concurrency, timeLimitMs },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: ClientResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

/** Waits until the fake GitHub has seen no request for a second: handlers answered 202 have finished. */
async function quiescence(fake: FakeGitHub, maxMs = 60_000): Promise<void> {
  const until = Date.now() + maxMs;
  let seen = -1;
  while (seen !== fake.requests.length && Date.now() < until) {
    seen = fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const harness = createHarness();
  seedRepository(harness);
  options.seed?.(harness);
  const deliveries = buildDeliveries(harness, options.deliveries);
  harness.fake.reset();

  const apps: RunningApp[] = [];
  let handlerErrors = 0;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  try {
    for (let i = 0; i < (options.instances ?? 1); i++) {
      const lock = options.lock?.(i);
      const { Octokit, metrics } = fastOctokit({ timeoutMs: 30_000 });
      const countErrors: ApplicationFunction = (app) => {
        app.onError(() => {
          handlerErrors++;
        });
      };
      apps.push(
        await startApp({
          Octokit,
          metrics,
          ...(lock ? { lock } : {}),
          apps: [countErrors, ...(options.apps?.({ lock, instance: i }) ?? [])],
        }),
      );
    }
    // Warm-up, not measured: the first delivery of each kind loads modules and builds GitHub's schema in the fake.
    const warmups = [...new Map(deliveries.map((d) => [d.kind, d])).values()];
    for (const app of apps)
      for (const [i, delivery] of warmups.entries())
        await (await app.deliver(delivery.event, delivery.payload, `warmup-${i}`)).arrayBuffer();
    harness.fake.reset();

    const load = runClient(
      deliveries.map((d, index) => {
        const body = JSON.stringify(d.payload);
        return {
          url: apps[index % apps.length]!.webhookUrl,
          event: d.event,
          id: `load-${index}`,
          body,
          signature: signature(body),
        };
      }),
      options.concurrency,
      options.timeLimitMs ?? 600_000,
    );
    const [result] = await Promise.all([load, options.scenario?.({ apps, fake: harness.fake, harness })]);
    const statuses: Record<string, number> = {};
    const byKind = new Map<string, number[]>();
    const latencies: number[] = [];
    let failed = 0;
    result.statuses.forEach((status, index) => {
      if (status === null) return;
      if (status === "failed") {
        failed++;
        return;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      const latency = result.latencies[index]!;
      latencies.push(latency);
      const kind = deliveries[index]!.kind;
      byKind.set(kind, [...(byKind.get(kind) ?? []), latency]);
    });
    const next = result.sent;
    if (statuses[202]) await quiescence(harness.fake);
    const seconds = result.seconds;
    latencies.sort((a, b) => a - b);
    const completed = latencies.length;
    const refused = Object.entries(statuses)
      .filter(([status]) => status !== "200" && status !== "202")
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      sent: next,
      completed,
      errors: failed + refused + handlerErrors + harness.fake.unhandled.length,
      slow: statuses[202] ?? 0,
      statuses,
      unhandled: harness.fake.unhandled.slice(0, 10),
      seconds,
      throughput: completed / seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      peakRssMb: peakRss / 1024 / 1024,
      githubRequests: harness.fake.requests.length,
      mix: Object.fromEntries(
        [...byKind].map(([kind, list]) => [kind, { count: list.length, p95: percentile(list, 95) }]),
      ),
    };
  } finally {
    clearInterval(sampler);
    for (const app of apps) await app.stop();
    harness.fake.uninstall();
  }
}

export function formatLoadReport(report: LoadReport): string {
  return [
    `${report.completed}/${report.sent} deliveries in ${report.seconds.toFixed(1)} s: ${report.throughput.toFixed(0)}/s`,
    `errors ${report.errors}, slow (202) ${report.slow}, statuses ${JSON.stringify(report.statuses)}${report.unhandled.length ? ` unhandled ${report.unhandled.join("; ")}` : ""}`,
    `latency p50 ${report.p50.toFixed(1)} ms, p95 ${report.p95.toFixed(1)} ms, p99 ${report.p99.toFixed(1)} ms`,
    `peak RSS ${report.peakRssMb.toFixed(0)} MB, GitHub requests ${report.githubRequests}`,
  ].join("\n");
}
