import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

/** The input a dispatched workflow receives: the batch issue's number (workflow_dispatch inputs are strings). */
export const DISPATCH_INPUT = "batch";

/**
 * Starts a workflow that has a `workflow_dispatch` trigger: one `POST /repos/{o}/{r}/actions/workflows/{file}/
 * dispatches` with the batch issue's number as the `batch` input. Needs the app's Actions: write permission.
 */
export async function dispatchWorkflow(
  octokit: GitHub,
  repo: RepoRef,
  workflow: string,
  ref: string,
  batch: number,
): Promise<void> {
  await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    owner: repo.owner,
    repo: repo.repo,
    workflow_id: workflow,
    ref,
    inputs: { [DISPATCH_INPUT]: String(batch) },
  });
}

/** The repository's default branch: where a dispatch runs when the driver names no `ref`. One read. */
export async function defaultBranch(octokit: GitHub, repo: RepoRef): Promise<string> {
  const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
  return data.default_branch;
}

export type WorkflowProbe = "ok" | "missing" | "forbidden";

/** Whether batchbot can see the workflow: it exists on the default branch, and Actions is readable at all. */
export async function probeWorkflow(
  octokit: GitHub,
  repo: RepoRef,
  workflow: string,
): Promise<WorkflowProbe> {
  try {
    await octokit.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}", {
      owner: repo.owner,
      repo: repo.repo,
      workflow_id: workflow,
    });
    return "ok";
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404) return "missing";
    if (status === 403) return "forbidden";
    throw error;
  }
}

/**
 * The installation's Actions permission when the token says (an installation token carries its permissions),
 * or null when it doesn't (a workflow's token, a test token).
 */
export async function actionsPermission(octokit: GitHub): Promise<string | null> {
  try {
    const auth = (await (octokit.auth as (options: unknown) => Promise<unknown>)({
      type: "installation",
    })) as {
      permissions?: Record<string, string>;
    };
    return auth.permissions ? (auth.permissions.actions ?? "none") : null;
  } catch {
    return null;
  }
}
