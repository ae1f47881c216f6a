import type { Context, Logger, Probot } from "probot";
import type { BatchConfig, ConfigResult } from "../../domain/config.js";
import { sameLogin } from "../../domain/login.js";
import type { RepoRef } from "../../domain/references.js";
import { loadRepoConfig } from "../../github/config-reader.js";
import type { ProgressPresence } from "../../github/quality-gate-reader.js";
import type { Lock } from "../../infra/lock.js";
import type { Runtime } from "./runtime.js";

/** What the feature modules share: built once per app in `src/pipeline.ts`. */
export interface AppDeps {
  app: Probot;
  hosts: readonly string[];
  botLogin: () => Promise<string>;
  /** Serialises planning commands per repository (in-process, or Redis with `REDIS_URL`). */
  lock: Lock;
  /**
   * What follows batchbot's own writes, since it ignores the events they cause. Wired in `src/pipeline.ts`; a
   * feature calls these once it is done writing and never learns which features follow.
   */
  follow: FollowUps;
}

export interface FollowUps {
  /**
   * batchbot changed these SPECs (gate labels, a close undone, a forced close): their batch issues follow, then the
   * board. With `presence` (counted by the read that decided the change), only what exists is refreshed.
   */
  specsChanged(rt: Runtime, numbers: readonly number[], presence?: ProgressPresence | null): Promise<void>;
  /** batchbot changed what the board and the dashboard show (batch issues opened, assignments). */
  progressChanged(rt: Runtime): Promise<void>;
  /** batchbot completed and closed these batches: their agents may get their next one (`batch.auto-next`). */
  batchesCompleted(rt: Runtime, batches: ReadonlyArray<{ number: number; agent: string }>): Promise<void>;
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
export function runtimeFrom(deps: AppDeps, context: Context, config: BatchConfig): Promise<Runtime> {
  return runtimeFor(deps, context, repoOf(context), config, eventLog(context));
}

/** The runtime for one repository of an event that names several (installations). */
export async function runtimeFor(
  deps: AppDeps,
  context: Context,
  repo: RepoRef,
  config: BatchConfig,
  log: Logger,
): Promise<Runtime> {
  return { octokit: context.octokit, repo, config, botLogin: await deps.botLogin(), hosts: deps.hosts, log };
}

/** The runtime, or `null` when the repository's configuration is invalid (logged; the handler changes nothing). */
export async function runtimeOf(deps: AppDeps, context: Context): Promise<Runtime | null> {
  const loaded = await configOf(context);
  if (loaded.ok) return runtimeFrom(deps, context, loaded.config);
  eventLog(context).warn({ problems: loaded.problems }, "invalid configuration; nothing changed");
  return null;
}
