import type { RepoRef } from "../domain/references.js";
import { type GitHub, type Nodes, nodesOf } from "./graphql.js";

/** Every open pull request's description and the issues GitHub links it to close, 100 per request. */
export const OPEN_PULL_REQUESTS_DOCUMENT = /* GraphQL */ `
  query BatchbotOpenPullRequests($owner: String!, $name: String!, $cursor: String) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: 100, after: $cursor, states: [OPEN], orderBy: { field: CREATED_AT, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes {
          number
          body
          closingIssuesReferences(first: 50) { nodes { number repository { nameWithOwner } } }
        }
      }
    }
  }
`;

interface OpenPullRequestsPage {
  repository: {
    pullRequests: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{
        number: number;
        body: string | null;
        closingIssuesReferences: Nodes<{ number: number; repository: { nameWithOwner: string } }> | null;
      } | null> | null;
    };
  } | null;
}

export interface OpenPullRequest {
  number: number;
  body: string;
  /** Issues of this repository GitHub links the pull request to close (the description is parsed by the caller). */
  linked: number[];
}

export async function readOpenPullRequests(
  octokit: GitHub,
  repo: RepoRef,
): Promise<{ pullRequests: OpenPullRequest[]; requests: number }> {
  const pullRequests: OpenPullRequest[] = [];
  const own = `${repo.owner}/${repo.repo}`.toLowerCase();
  let requests = 0;
  let cursor: string | null = null;
  do {
    requests++;
    const page: OpenPullRequestsPage = await octokit.graphql<OpenPullRequestsPage>(
      OPEN_PULL_REQUESTS_DOCUMENT,
      {
        owner: repo.owner,
        name: repo.repo,
        cursor,
      },
    );
    if (!page.repository) throw new Error(`repository ${own} is not readable`);
    const connection = page.repository.pullRequests;
    for (const node of nodesOf(connection)) {
      const linked = nodesOf(node.closingIssuesReferences)
        .filter((i) => i.repository.nameWithOwner.toLowerCase() === own)
        .map((i) => i.number);
      pullRequests.push({ number: node.number, body: node.body ?? "", linked });
    }
    cursor = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (cursor);
  return { pullRequests, requests };
}
