import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** How a webhook delivery ended. */
export type DeliveryOutcome =
  /** Handled; every handler finished. */
  | "ok"
  /** Refused before any handler ran: bad signature, bad headers or content type, too large, malformed. */
  | "rejected"
  /** A handler failed. */
  | "error"
  /** Still running when the endpoint answered GitHub (202 after 9 s); the handlers go on. */
  | "slow";

/** What a request to GitHub was, for counting: GraphQL or REST, read or write. */
export type RequestKind = "graphql_query" | "graphql_mutation" | "rest_read" | "rest_write";

/** Why a request to GitHub was sent again. */
export type RetryReason = "server_error" | "timeout" | "network" | "rate_limit" | "secondary_rate_limit";

/**
 * The app's Prometheus metrics, one registry per app instance (two instances in one process keep their
 * counts apart). Served as text on `GET /metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly deliveries = new Counter({
    name: "batchbot_webhook_deliveries_total",
    help: "Webhook deliveries received, by event and outcome",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });
  readonly handling = new Histogram({
    name: "batchbot_webhook_handling_seconds",
    help: "Time from receiving a webhook delivery to answering it",
    labelNames: ["event"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "batchbot_github_requests_total",
    help: "HTTP requests sent to GitHub (every attempt, retries included), by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly githubRetries = new Counter({
    name: "batchbot_github_retries_total",
    help: "Requests to GitHub sent again after a failure, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: "batchbot_job_runs_total",
    help: "Runs of the periodic jobs (redeliver, reconcile), by outcome: ok, error, or skipped because another instance ran it",
    labelNames: ["job", "outcome"] as const,
    registers: [this.registry],
  });
  readonly redeliveries = new Counter({
    name: "batchbot_redeliveries_total",
    help: "Failed webhook deliveries the redelivery job asked GitHub to send again, by outcome (requested, refused)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly reconcileRepairs = new Counter({
    name: "batchbot_reconcile_repairs_total",
    help: "Drift the reconcile sweep repaired (each one a missed or failed event), by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly reconcileRepositories = new Counter({
    name: "batchbot_reconcile_repositories_total",
    help: "Repositories the reconcile sweep checked, by outcome: clean, repaired, failed, skipped (invalid configuration)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  /** `process: true` adds Node's process metrics (memory, CPU, event loop lag); once per process. */
  constructor(options: { process?: boolean } = {}) {
    if (options.process) collectDefaultMetrics({ register: this.registry });
  }

  delivery(event: string, outcome: DeliveryOutcome, seconds: number): void {
    this.deliveries.inc({ event, outcome });
    this.handling.observe({ event }, seconds);
  }

  request(kind: RequestKind): void {
    this.githubRequests.inc({ kind });
  }

  retry(reason: RetryReason): void {
    this.githubRetries.inc({ reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The current value of a counter for `labels` (0 when never counted); for tests and the load report. */
  async count(
    metric:
      | "deliveries"
      | "githubRequests"
      | "githubRetries"
      | "jobRuns"
      | "redeliveries"
      | "reconcileRepairs"
      | "reconcileRepositories",
    labels: Record<string, string> = {},
  ): Promise<number> {
    const { values } = await this[metric].get();
    return values
      .filter((v) =>
        Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
      )
      .reduce((sum, v) => sum + v.value, 0);
  }
}
