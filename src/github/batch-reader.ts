import { type BatchIssue, decodeBatchMeta } from "../domain/batch.js";
import type { RepoRef } from "../domain/references.js";
import { type GitHub, nodesOf } from "./graphql.js";

export const BATCHES_QUERY = /* GraphQL */ `
  query BatchbotBatches($owner: String!, $name: String!, $label: String!, $cursor: String) {
    repository(owner: $owner, name: $name) {
      issues(first: 100, after: $cursor, labels: [$label], orderBy: { field: CREATED_AT, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes { id number state title body }
      }
    }
  }
`;

/** A batch issue as every batch query selects it (`id number state title body`). */
export interface BatchNode {
  id: string;
  number: number;
  state: "OPEN" | "CLOSED";
  title: string;
  body: string;
}

/** The batch a node is, or `null` for an issue with the batch label but no readable batch metadata (made by hand). */
export function batchIssueOf(node: BatchNode): BatchIssue | null {
  const meta = decodeBatchMeta(node.body);
  return meta ? { ...node, body: node.body ?? "", meta } : null;
}

interface BatchesPage {
  repository: {
    issues: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<BatchNode | null> | null;
    };
  } | null;
}

/**
 * Every batch issue of a repository (open and closed), 100 per request. Issues with the batch label but no readable
 * batch metadata (made by hand) are left out.
 */
export async function readBatches(
  octokit: GitHub,
  repo: RepoRef,
  batchLabel: string,
): Promise<{ batches: BatchIssue[]; requests: number }> {
  const batches: BatchIssue[] = [];
  let requests = 0;
  let cursor: string | null = null;
  do {
    requests++;
    const page: BatchesPage = await octokit.graphql<BatchesPage>(BATCHES_QUERY, {
      owner: repo.owner,
      name: repo.repo,
      label: batchLabel,
      cursor,
    });
    if (!page.repository) throw new Error(`repository ${repo.owner}/${repo.repo} is not readable`);
    for (const node of nodesOf(page.repository.issues)) {
      const batch = batchIssueOf(node);
      if (batch) batches.push(batch);
    }
    const { pageInfo } = page.repository.issues;
    cursor = pageInfo.hasNextPage ? pageInfo.endCursor : null;
  } while (cursor);
  return { batches, requests };
}
