import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

export interface LinkPlan {
  /** Blockers (numeric issue ids) the text names that GitHub doesn't show yet. */
  add: number[];
  /** Blockers GitHub shows that the text named before this edit and no longer names. */
  remove: number[];
}

export function planLinks(
  existing: ReadonlySet<number>,
  named: ReadonlySet<number>,
  namedBefore: ReadonlySet<number>,
): LinkPlan {
  return {
    add: [...named].filter((id) => !existing.has(id)),
    remove: [...existing].filter((id) => namedBefore.has(id) && !named.has(id)),
  };
}

/**
 * Mirrors a SPEC's written dependencies into GitHub's native "blocked by" relations (REST; the GraphQL schema
 * the tests validate against predates them). Only relations batchbot added from the text are ever removed.
 */
export async function mirrorDependencyLinks(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  named: ReadonlySet<number>,
  namedBefore: ReadonlySet<number>,
): Promise<{ plan: LinkPlan; requests: number; failures: string[] }> {
  const failures: string[] = [];
  if (named.size === 0 && namedBefore.size === 0)
    return { plan: { add: [], remove: [] }, requests: 0, failures };
  const current = await octokit.paginate(octokit.rest.issues.listDependenciesBlockedBy, {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  let requests = Math.max(1, Math.ceil(current.length / 100));
  const plan = planLinks(new Set(current.map((i) => i.id)), named, namedBefore);
  for (const id of plan.add) {
    requests++;
    try {
      await octokit.rest.issues.addBlockedByDependency({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: issueNumber,
        issue_id: id,
      });
    } catch (error) {
      failures.push(`add blocked-by ${id}: ${(error as Error).message}`);
    }
  }
  for (const id of plan.remove) {
    requests++;
    try {
      await octokit.rest.issues.removeDependencyBlockedBy({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: issueNumber,
        issue_id: id,
      });
    } catch (error) {
      failures.push(`remove blocked-by ${id}: ${(error as Error).message}`);
    }
  }
  return { plan, requests, failures };
}
