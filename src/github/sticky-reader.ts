import { sameLogin } from "../domain/login.js";
import type { RepoRef } from "../domain/references.js";
import { STICKY_MARKER } from "../domain/sticky.js";
import { chunk, type GitHub, graphqlPartial, nodesOf } from "./graphql.js";
import type { ExistingComment } from "./issue-writer.js";

export function stickyDocument(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `, $n${i}: Int!`).join("");
  const fields = Array.from(
    { length: count },
    (_, i) =>
      `    s${i}: issueOrPullRequest(number: $n${i}) { ... on Issue { id comments(first: 100) { pageInfo { hasNextPage } nodes { id body author { login } } } } ... on PullRequest { id comments(first: 100) { pageInfo { hasNextPage } nodes { id body author { login } } } } }`,
  ).join("\n");
  return `query BatchbotSticky($owner: String!, $name: String!${variables}) {\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}`;
}

interface CommentsNode {
  id: string;
  comments: {
    pageInfo: { hasNextPage: boolean };
    nodes: Array<{ id: string; body: string; author: { login: string } | null }>;
  };
}

export interface StickyTarget {
  subjectId: string;
  comment: ExistingComment | null;
}

/**
 * batchbot's sticky comment on each of `numbers` (issues or pull requests), read 50 issues per request.
 * Only comments written by batchbot itself count, so a pasted marker can't hijack the sticky.
 */
export async function readStickyComments(
  octokit: GitHub,
  repo: RepoRef,
  numbers: readonly number[],
  botLogin: string,
): Promise<{ stickies: Map<number, StickyTarget>; requests: number }> {
  const stickies = new Map<number, StickyTarget>();
  let requests = 0;
  for (const group of chunk(numbers, 50)) {
    const variables: Record<string, unknown> = { owner: repo.owner, name: repo.repo };
    group.forEach((n, i) => {
      variables[`n${i}`] = n;
    });
    requests++;
    const { data } = await graphqlPartial<{ repository: Record<string, CommentsNode | null> | null }>(
      octokit,
      stickyDocument(group.length),
      variables,
    );
    for (const [i, number] of group.entries()) {
      const node = data?.repository?.[`s${i}`];
      if (!node?.id) continue;
      let nodes = nodesOf(node.comments);
      if (node.comments.pageInfo.hasNextPage) {
        requests++;
        const all = await octokit.paginate(octokit.rest.issues.listComments, {
          owner: repo.owner,
          repo: repo.repo,
          issue_number: number,
          per_page: 100,
        });
        nodes = all.map((c) => ({
          id: c.node_id,
          body: c.body ?? "",
          author: c.user ? { login: c.user.login } : null,
        }));
      }
      const mine = nodes.find(
        (c) => c.author && sameLogin(c.author.login, botLogin) && c.body.includes(STICKY_MARKER),
      );
      stickies.set(number, { subjectId: node.id, comment: mine ? { id: mine.id, body: mine.body } : null });
    }
  }
  return { stickies, requests };
}
