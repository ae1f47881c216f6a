import { formatConfigProblems } from "../domain/config.js";
import type { RepoRef } from "../domain/references.js";
import { upsertCheckRun } from "../github/checks.js";
import { CONFIG_PATH, loadRepoConfig } from "../github/config-reader.js";
import type { GitHub } from "../github/graphql.js";

export const CONFIG_CHECK = "batchbot config";
export const WATCHED_FILES = [CONFIG_PATH, ".github/batch-template.md"];

export interface PushPayload {
  after: string;
  deleted?: boolean;
  commits?: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>;
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

export function touchesConfig(payload: PushPayload): boolean {
  if (payload.deleted) return false;
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  return commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((f) => WATCHED_FILES.includes(f)),
  );
}

/** Validates the configuration as pushed and reports it as a check run on that commit. */
export async function checkPushedConfig(octokit: GitHub, repo: RepoRef, sha: string): Promise<boolean> {
  const result = await loadRepoConfig(octokit, repo, sha);
  await upsertCheckRun(octokit, repo, {
    name: CONFIG_CHECK,
    headSha: sha,
    status: "completed",
    conclusion: result.ok ? "success" : "failure",
    title: result.ok ? "Configuration is valid" : `${result.problems.length} problem(s) in ${CONFIG_PATH}`,
    summary: result.ok
      ? `\`${CONFIG_PATH}\` is valid; batchbot uses it once it is on the default branch.`
      : formatConfigProblems(result.problems),
  });
  return result.ok;
}
