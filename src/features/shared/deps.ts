import type { Context, Logger, Probot } from "probot";
import type { BatchConfig, ConfigResult } from "../../domain/config.js";
import type { RepoRef } from "../../domain/references.js";
import { loadRepoConfig } from "../../github/config-reader.js";
import { sameLogin } from "../../github/sticky-reader.js";
import type { Lock } from "../../infra/lock.js";
import type { SyncStep } from "../board-and-dashboard/sync-state.js";
import type { ConfigProbe } from "../config-check/run.js";
import type { CommandDefinition } from "./command-registry.js";
import type { Runtime } from "./runtime.js";

/** What the feature modules share: built once per app in `src/app.ts`. */
export interface AppDeps {
  app: Probot;
  hosts: readonly string[];
  botLogin: () => Promise<string>;
  /** The `/batch` commands; feature modules push theirs. */
  commands: CommandDefinition[];
  /** Serialises planning commands per repository (in-process, or Redis with `REDIS_URL`). */
  lock: Lock;
  /**
   * Consulted when an issue is closed, before dependency sync: a guard that undoes the close (the quality gate
   * reopening an unvalidated SPEC) returns false, and the close is then treated as if it never happened.
   */
  closeGuards: Array<(context: Context<"issues.closed">, config: BatchConfig) => Promise<boolean>>;
  /** Checks of a pushed, valid configuration against GitHub (the project board); findings go in its check run. */
  configProbes?: ConfigProbe[];
  /**
   * Brings the board and the dashboard up to date after a handler changed what they show (labels, batch issues).
   * Handlers call it once they are done writing, because batchbot ignores the events its own writes cause.
   */
  refreshProgress?: (rt: Runtime) => Promise<void>;
  /**
   * Run in order after the dependency handler has finished with a person's `issues` event: batch progress, then
   * the board and dashboard. `openDashboards` comes from the registry read, when there was one, so the board work
   * is skipped without a read when there is neither a board nor a dashboard.
   */
  afterIssueEvent: Array<(context: Context, rt: Runtime, openDashboards: number | null) => Promise<void>>;
  /**
   * Run in order when batchbot itself changed SPECs (gate labels, a forced close): batch progress follows them,
   * since batchbot ignores the events its own writes cause. `notifySpecsChanged` runs them, then the board.
   */
  specsChanged: Array<(rt: Runtime, numbers: readonly number[]) => Promise<void>>;
  /** Extra repairs `/batch sync` runs (batch issue task lists and reports); each returns one line of its reply. */
  syncSteps: SyncStep[];
}

/** Tells the features that follow SPECs (batch progress, then the board and dashboard) what batchbot changed. */
export async function notifySpecsChanged(
  deps: AppDeps,
  rt: Runtime,
  numbers: readonly number[],
): Promise<void> {
  if (numbers.length === 0) return;
  for (const hook of deps.specsChanged) await hook(rt, numbers);
  await deps.refreshProgress?.(rt);
}

export function repoOf(context: Context): RepoRef {
  const { owner, repo } = context.repo();
  return { owner, repo };
}

export async function fromSelf(deps: AppDeps, context: Context): Promise<boolean> {
  const sender = (context.payload as { sender?: { login?: string } }).sender?.login;
  return !!sender && sameLogin(sender, await deps.botLogin());
}

/** Handlers of one event share one read of the configuration (Probot gives each its own context, same payload). */
const configPerEvent = new WeakMap<object, Promise<ConfigResult>>();

export function configOf(context: Context): Promise<ConfigResult> {
  const key = context.payload as object;
  let loaded = configPerEvent.get(key);
  if (!loaded) {
    loaded = loadRepoConfig(context.octokit, repoOf(context));
    configPerEvent.set(key, loaded);
  }
  return loaded;
}

/**
 * The logger for one handler run: Probot's event logger (its `id` is the delivery id) plus the event and the
 * repository, so every line a handler writes leads back to its delivery. Handlers log through it.
 */
export function eventLog(context: Context, fields: Record<string, unknown> = {}): Logger {
  const payload = context.payload as { action?: string; repository?: { full_name?: string } };
  return context.log.child({
    event: payload.action ? `${context.name}.${payload.action}` : context.name,
    ...(payload.repository?.full_name ? { repository: payload.repository.full_name } : {}),
    ...fields,
  });
}

/** What a handler needs for this event in this repository, once its configuration is known. */
export async function runtimeFrom(deps: AppDeps, context: Context, config: BatchConfig): Promise<Runtime> {
  return {
    octokit: context.octokit,
    repo: repoOf(context),
    config,
    botLogin: await deps.botLogin(),
    hosts: deps.hosts,
    log: eventLog(context),
  };
}

/** The runtime, or `null` when the repository's configuration is invalid (logged; the handler changes nothing). */
export async function runtimeOf(deps: AppDeps, context: Context): Promise<Runtime | null> {
  const loaded = await configOf(context);
  if (loaded.ok) return runtimeFrom(deps, context, loaded.config);
  eventLog(context).warn({ problems: loaded.problems }, "invalid configuration; nothing changed");
  return null;
}
