import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

export interface CheckOutput {
  name: string;
  headSha: string;
  status: "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  text?: string;
}

/** The latest run of a check on a commit, as REST or GraphQL (lower-cased) reports it. */
export interface ExistingCheckRun {
  id: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
}

/**
 * Creates a check run, or updates the one of the same name already on `headSha` when its result differs.
 * `known` is that run when the caller already read it (`null`: there is none), saving the lookup. A completed run
 * can't go back in progress on GitHub, so that change starts a new run.
 */
export async function upsertCheckRun(
  octokit: GitHub,
  repo: RepoRef,
  check: CheckOutput,
  known?: ExistingCheckRun | null,
): Promise<{ requests: number; wrote: boolean }> {
  let existing: ExistingCheckRun | null | undefined = known;
  let reads = 0;
  if (existing === undefined) {
    reads = 1;
    const { data } = await octokit.rest.checks.listForRef({
      owner: repo.owner,
      repo: repo.repo,
      ref: check.headSha,
      check_name: check.name,
      filter: "latest",
      per_page: 1,
    });
    const run = data.check_runs[0];
    existing = run
      ? {
          id: run.id,
          status: run.status,
          conclusion: run.conclusion,
          title: run.output.title,
          summary: run.output.summary,
        }
      : null;
  }
  const output = { title: check.title, summary: check.summary, ...(check.text ? { text: check.text } : {}) };
  const completed = check.status === "completed" ? { conclusion: check.conclusion } : {};
  if (existing && !(existing.status === "completed" && check.status !== "completed")) {
    const same =
      existing.status === check.status &&
      (existing.conclusion ?? undefined) === (check.conclusion ?? undefined) &&
      existing.title === check.title &&
      existing.summary === check.summary;
    if (same) return { requests: reads, wrote: false };
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: existing.id,
      status: check.status,
      ...completed,
      output,
    });
    return { requests: reads + 1, wrote: true };
  }
  await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: check.name,
    head_sha: check.headSha,
    status: check.status,
    ...completed,
    output,
  });
  return { requests: reads + 1, wrote: true };
}
