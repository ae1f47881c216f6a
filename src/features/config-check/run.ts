import { TEMPLATE_PATH, type TemplateResult } from "../../domain/batch-template.js";
import { type BatchConfig, type ConfigResult, formatConfigProblems } from "../../domain/config.js";
import type { RepoRef } from "../../domain/references.js";
import type { CheckOutput } from "../../github/checks.js";
import { CONFIG_PATH } from "../../github/config-reader.js";
import type { GitHub } from "../../github/graphql.js";

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

/** The calls the config check makes (`configCheckGitHub` in src/github implements them). */
export interface ConfigCheckPort {
  readConfig(sha: string): Promise<ConfigResult>;
  readTemplate(sha: string): Promise<TemplateResult>;
  /** What the probes find wrong with a valid configuration. */
  probe(config: BatchConfig): Promise<string[]>;
  writeCheckRun(check: CheckOutput): Promise<void>;
}

/** Runs every probe; one that fails says so instead of failing the check. */
export async function probeFindings(
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
export async function checkPushedConfig(port: ConfigCheckPort, sha: string): Promise<boolean> {
  const config = await port.readConfig(sha);
  const files = [
    { path: CONFIG_PATH, result: config },
    { path: TEMPLATE_PATH, result: await port.readTemplate(sha) },
  ];
  const failed = files.flatMap((f) => (f.result.ok ? [] : [{ path: f.path, problems: f.result.problems }]));
  const count = failed.reduce((n, f) => n + f.problems.length, 0);
  const findings = config.ok && !failed.length ? await port.probe(config.config) : [];
  await port.writeCheckRun({
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
