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

/** Creates a check run, or updates the one of the same name already on `headSha` when its result differs. */
export async function upsertCheckRun(
  octokit: GitHub,
  repo: RepoRef,
  check: CheckOutput,
): Promise<{ requests: number; wrote: boolean }> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: repo.owner,
    repo: repo.repo,
    ref: check.headSha,
    check_name: check.name,
    filter: "latest",
    per_page: 1,
  });
  const existing = data.check_runs[0];
  const output = { title: check.title, summary: check.summary, ...(check.text ? { text: check.text } : {}) };
  const completed = check.status === "completed" ? { conclusion: check.conclusion } : {};
  if (existing) {
    const same =
      existing.status === check.status &&
      (existing.conclusion ?? undefined) === (check.conclusion ?? undefined) &&
      existing.output.title === check.title &&
      existing.output.summary === check.summary;
    if (same) return { requests: 1, wrote: false };
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: existing.id,
      status: check.status,
      ...completed,
      output,
    });
    return { requests: 2, wrote: true };
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
  return { requests: 2, wrote: true };
}
