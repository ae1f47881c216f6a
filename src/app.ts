import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { botIdentity } from "./github/identity.js";
import { registerBatchAssign } from "./handlers/batch-assign.js";
import { registerCommandHandler } from "./handlers/command-events.js";
import { helpCommand } from "./handlers/commands.js";
import { registerConfigCheck } from "./handlers/config-events.js";
import { registerDependencyHandlers } from "./handlers/dependency-events.js";
import type { AppDeps } from "./handlers/deps.js";
import { registerAgentLifecycle } from "./handlers/lifecycle-events.js";
import { registerProgress } from "./handlers/progress-events.js";
import { registerQualityGate } from "./handlers/quality-gate-events.js";
import { LocalLock, type Lock } from "./infra/lock.js";
import { Metrics } from "./infra/metrics.js";
import { serveOperations } from "./infra/operations.js";

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
}

export function defaultHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  return ["github.com", ...(env.GHE_HOST ? [env.GHE_HOST] : [])];
}

export function batchbot(options: BatchbotOptions = {}): ApplicationFunction {
  return (app: Probot, appOptions: ApplicationFunctionOptions) => {
    const deps: AppDeps = {
      app,
      hosts: options.hosts ?? defaultHosts(),
      botLogin: botIdentity(app, options.botLogin ?? process.env.BATCHBOT_BOT_LOGIN),
      commands: [],
      lock: options.lock ?? new LocalLock(),
      closeGuards: [],
      afterIssueEvent: [],
      specsChanged: [],
      syncSteps: [],
    };
    deps.commands.push(helpCommand(() => deps.commands));
    registerDependencyHandlers(deps);
    registerConfigCheck(deps);
    registerQualityGate(deps);
    registerAgentLifecycle(deps);
    registerProgress(deps);
    registerBatchAssign(deps);
    registerCommandHandler(deps);
    serveOperations(app, appOptions, { ...options, metrics: options.metrics ?? new Metrics() });
  };
}
