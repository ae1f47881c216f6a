import { type BatchConfig, formatConfigProblems } from "../domain/config.js";
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
 * Validates the configuration as pushed and reports it as a check run on that commit. A valid configuration whose
 * probes find something (a project board batchbot can't fully use) is reported as neutral, with the findings.
 */
export async function checkPushedConfig(
  octokit: GitHub,
  repo: RepoRef,
  sha: string,
  probes: readonly ConfigProbe[] = [],
): Promise<boolean> {
  const result = await loadRepoConfig(octokit, repo, sha);
  const findings = result.ok ? await probeFindings(octokit, repo, result.config, probes) : [];
  await upsertCheckRun(octokit, repo, {
    name: CONFIG_CHECK,
    headSha: sha,
    status: "completed",
    conclusion: result.ok ? (findings.length ? "neutral" : "success") : "failure",
    title: result.ok
      ? `Configuration is valid${findings.length ? `; ${findings.length} warning(s)` : ""}`
      : `${result.problems.length} problem(s) in ${CONFIG_PATH}`,
    summary: result.ok
      ? [
          `\`${CONFIG_PATH}\` is valid; batchbot uses it once it is on the default branch.`,
          ...(findings.length ? ["", ...findings.map((f) => `- ${f}`)] : []),
        ].join("\n")
      : formatConfigProblems(result.problems),
  });
  return result.ok;
}
