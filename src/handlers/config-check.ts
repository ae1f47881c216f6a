import { TEMPLATE_PATH } from "../domain/batch-template.js";
import { formatConfigProblems } from "../domain/config.js";
import type { RepoRef } from "../domain/references.js";
import { upsertCheckRun } from "../github/checks.js";
import { CONFIG_PATH, loadRepoConfig } from "../github/config-reader.js";
import type { GitHub } from "../github/graphql.js";
import { loadBatchTemplate } from "../github/template-reader.js";

export const CONFIG_CHECK = "batchbot config";
export const WATCHED_FILES = [CONFIG_PATH, TEMPLATE_PATH];

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

/** Validates the configuration and the batch template as pushed and reports both as one check run on that commit. */
export async function checkPushedConfig(octokit: GitHub, repo: RepoRef, sha: string): Promise<boolean> {
  const files = [
    { path: CONFIG_PATH, result: await loadRepoConfig(octokit, repo, sha) },
    { path: TEMPLATE_PATH, result: await loadBatchTemplate(octokit, repo, sha) },
  ];
  const failed = files.flatMap((f) => (f.result.ok ? [] : [{ path: f.path, problems: f.result.problems }]));
  const count = failed.reduce((n, f) => n + f.problems.length, 0);
  await upsertCheckRun(octokit, repo, {
    name: CONFIG_CHECK,
    headSha: sha,
    status: "completed",
    conclusion: failed.length ? "failure" : "success",
    title: failed.length
      ? `${count} problem(s) in ${failed.map((f) => f.path).join(" and ")}`
      : "Configuration is valid",
    summary: failed.length
      ? failed.map((f) => formatConfigProblems(f.problems, f.path)).join("\n\n")
      : `\`${CONFIG_PATH}\` is valid; batchbot uses it once it is on the default branch.`,
  });
  return failed.length === 0;
}
