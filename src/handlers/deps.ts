import type { Context, Probot } from "probot";
import type { BatchConfig, ConfigResult } from "../domain/config.js";
import type { RepoRef } from "../domain/references.js";
import { loadRepoConfig } from "../github/config-reader.js";
import { sameLogin } from "../github/sticky-reader.js";
import type { Lock } from "../infra/lock.js";
import type { CommandDefinition } from "./commands.js";

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
}

export function repoOf(context: Context): RepoRef {
  const { owner, repo } = context.repo();
  return { owner, repo };
}

export async function fromSelf(deps: AppDeps, context: Context): Promise<boolean> {
  const sender = (context.payload as { sender?: { login?: string } }).sender?.login;
  return !!sender && sameLogin(sender, await deps.botLogin());
}

const configs = new WeakMap<object, Promise<ConfigResult>>();

/** The repository's configuration, read once per delivery however many handlers ask (they share the payload). */
export function configOf(context: Context): Promise<ConfigResult> {
  let loaded = configs.get(context.payload);
  if (!loaded) {
    loaded = loadRepoConfig(context.octokit, repoOf(context));
    configs.set(context.payload, loaded);
  }
  return loaded;
}
