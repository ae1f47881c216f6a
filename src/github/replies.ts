import { decodeMetadata, encodeMetadata } from "../domain/metadata.js";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";
import { sameLogin } from "./sticky-reader.js";

export const RECENT_COMMENTS_QUERY = /* GraphQL */ `
  query BatchbotRecentComments($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      issueOrPullRequest(number: $number) {
        ... on Issue { comments(last: 100) { nodes { databaseId body author { login } } } }
        ... on PullRequest { comments(last: 100) { nodes { databaseId body author { login } } } }
      }
    }
  }
`;

interface RecentComments {
  repository: {
    issueOrPullRequest: {
      comments?: {
        nodes: Array<{ databaseId: number | null; body: string; author: { login: string } | null }>;
      };
    } | null;
  } | null;
}

/** The id of batchbot's earlier reply to comment `commandId`, if a redelivery finds one. */
export async function findReply(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
): Promise<number | null> {
  const data = await octokit.graphql<RecentComments>(RECENT_COMMENTS_QUERY, {
    owner: repo.owner,
    name: repo.repo,
    number: issueNumber,
  });
  for (const c of data.repository?.issueOrPullRequest?.comments?.nodes ?? []) {
    if (!c.author || !sameLogin(c.author.login, botLogin)) continue;
    if (decodeMetadata<{ to?: number }>(c.body, "reply")?.to === commandId) return c.databaseId;
  }
  return null;
}

/** Posts the one reply to a command comment, unless it was already posted (a redelivered webhook). */
export async function replyOnce(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
  body: string,
): Promise<{ posted: boolean; id: number | null }> {
  const existing = await findReply(octokit, repo, issueNumber, commandId, botLogin);
  if (existing !== null) return { posted: false, id: existing };
  const { data } = await octokit.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: issueNumber,
    body: `${body}\n\n${encodeMetadata("reply", { to: commandId })}`,
  });
  return { posted: true, id: data.id };
}
