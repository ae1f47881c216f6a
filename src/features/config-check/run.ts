import { TEMPLATE_PATH } from "../../domain/batch-template.js";
import { type BatchConfig, formatConfigProblems } from "../../domain/config.js";
import type { RepoRef } from "../../domain/references.js";
import { upsertCheckRun } from "../../github/checks.js";
import { CONFIG_PATH, loadRepoConfig } from "../../github/config-reader.js";
import type { GitHub } from "../../github/graphql.js";
import { loadBatchTemplate } from "../../github/template-reader.js";

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

/** A check of a valid configuration against GitHub; returns what is wrong, worded for the reader. */
export type ConfigProbe = (octokit: GitHub, repo: RepoRef, config: BatchConfig) => Promise<string[]>;

async function probeFindings(
  octokit: GitHub,
  repo: RepoRef,
  config: BatchConfig,
  probes: readonly ConfigProbe[],
): Promise<string[]> {
  const findings = await Promise.all(
    probes.map((probe) =>
      probe(octokit, repo, config).catch((error: Error) => [`could not be checked: ${error.message}`]),
    ),
  );
  return findings.flat();
}

/**
 * Validates the configuration and the batch template as pushed and reports both as one check run on that commit.
 * A valid configuration whose probes find something (a project board batchbot can't fully use) is neutral.
 */
export async function checkPushedConfig(
  octokit: GitHub,
  repo: RepoRef,
  sha: string,
  probes: readonly ConfigProbe[] = [],
): Promise<boolean> {
  const config = await loadRepoConfig(octokit, repo, sha);
  const files = [
    { path: CONFIG_PATH, result: config },
    { path: TEMPLATE_PATH, result: await loadBatchTemplate(octokit, repo, sha) },
  ];
  const failed = files.flatMap((f) => (f.result.ok ? [] : [{ path: f.path, problems: f.result.problems }]));
  const count = failed.reduce((n, f) => n + f.problems.length, 0);
  const findings =
    config.ok && !failed.length ? await probeFindings(octokit, repo, config.config, probes) : [];
  await upsertCheckRun(octokit, repo, {
    name: CONFIG_CHECK,
    headSha: sha,
    status: "completed",
    conclusion: failed.length ? "failure" : findings.length ? "neutral" : "success",
    title: failed.length
      ? `${count} problem(s) in ${failed.map((f) => f.path).join(" and ")}`
      : `Configuration is valid${findings.length ? `; ${findings.length} warning(s)` : ""}`,
    summary: failed.length
      ? failed.map((f) => formatConfigProblems(f.problems, f.path)).join("\n\n")
      : [
          `\`${CONFIG_PATH}\` is valid; batchbot uses it once it is on the default branch.`,
          ...(findings.length ? ["", ...findings.map((f) => `- ${f}`)] : []),
        ].join("\n"),
  });
  return failed.length === 0;
}
