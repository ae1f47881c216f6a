import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import type { BurstTiming } from "./features/dependencies/bursts.js";
import { botIdentity } from "./github/identity.js";
import { LocalLock, type Lock } from "./infra/lock.js";
import { Metrics } from "./infra/metrics.js";
import { serveOperations } from "./infra/operations.js";
import type { Jobs } from "./jobs/jobs.js";
import { pipeline } from "./pipeline.js";

export interface BatchbotOptions {
  /** The app's bot login (`slug[bot]`); read from `GET /app` when not given. */
  botLogin?: string;
  /** Hosts whose issue URLs count as references; github.com plus `GHE_HOST`. */
  hosts?: string[];
  /** Lock for planning commands; an in-process lock by default. */
  lock?: Lock;
  /** Where `/metrics` counts; pass the one the Octokit class counts GitHub requests into (src/main.ts). */
  metrics?: Metrics;
  /** Webhook bodies larger than this are refused with 413; 25 MB (GitHub's own cap) by default. */
  maxWebhookBytes?: number;
  /** The periodic jobs (redelivery, reconcile sweep), started with the app; the server passes them (src/main.ts). */
  jobs?: Jobs;
  /** How edits of one issue in a burst are folded into one run (`BURST_TIMING` by default). */
  editBursts?: BurstTiming;
}

export function defaultHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  return ["github.com", ...(env.GHE_HOST ? [env.GHE_HOST] : [])];
}

export function batchbot(options: BatchbotOptions = {}): ApplicationFunction {
  return (app: Probot, appOptions: ApplicationFunctionOptions) => {
    const base = {
      app,
      hosts: options.hosts ?? defaultHosts(),
      botLogin: botIdentity(app, options.botLogin ?? process.env.BATCHBOT_BOT_LOGIN),
      lock: options.lock ?? new LocalLock(),
      ...(options.editBursts ? { editBursts: options.editBursts } : {}),
    };
    const { sync } = pipeline(base);
    const metrics = options.metrics ?? new Metrics();
    serveOperations(app, appOptions, { ...options, metrics });
    options.jobs?.start({ ...base, sync, metrics });
  };
}
