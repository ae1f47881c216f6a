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

export interface ReplyComment {
  id: number;
  body: string;
}

/** batchbot's earlier reply to comment `commandId`, if a redelivery finds one. */
export async function findReplyComment(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
): Promise<ReplyComment | null> {
  const data = await octokit.graphql<RecentComments>(RECENT_COMMENTS_QUERY, {
    owner: repo.owner,
    name: repo.repo,
    number: issueNumber,
  });
  for (const c of data.repository?.issueOrPullRequest?.comments?.nodes ?? []) {
    if (!c.author || !sameLogin(c.author.login, botLogin) || c.databaseId === null) continue;
    if (decodeMetadata<{ to?: number }>(c.body, "reply")?.to === commandId)
      return { id: c.databaseId, body: c.body };
  }
  return null;
}

/** The id of batchbot's earlier reply to comment `commandId`, if a redelivery finds one. */
export async function findReply(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
): Promise<number | null> {
  return (await findReplyComment(octokit, repo, issueNumber, commandId, botLogin))?.id ?? null;
}

/**
 * Posts the one reply to a command comment, unless it was already posted (a redelivered webhook). With `revise`,
 * an earlier reply is rewritten when its text differs: a redelivery that finished what the first delivery couldn't.
 */
export async function replyOnce(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
  body: string,
  options: { revise?: boolean } = {},
): Promise<{ posted: boolean; id: number | null }> {
  const text = `${body}\n\n${encodeMetadata("reply", { to: commandId })}`;
  const existing = await findReplyComment(octokit, repo, issueNumber, commandId, botLogin);
  if (existing !== null) {
    if (options.revise && existing.body.trim() !== text.trim())
      await octokit.rest.issues.updateComment({
        owner: repo.owner,
        repo: repo.repo,
        comment_id: existing.id,
        body: text,
      });
    return { posted: false, id: existing.id };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: issueNumber,
    body: text,
  });
  return { posted: true, id: data.id };
}
