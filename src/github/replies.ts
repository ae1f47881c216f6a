import { sameLogin } from "../domain/login.js";
import { decodeMetadata, encodeMetadata } from "../domain/metadata.js";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

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
        nodes: Array<{
          databaseId: number | null;
          body: string;
          author: { login: string } | null;
        } | null> | null;
      };
    } | null;
  } | null;
}

export interface ReplyComment {
  id: number;
  body: string;
}

/** batchbot's replies among the last 100 comments of an issue, each with the command comment it answers. */
export async function recentReplies(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  botLogin: string,
): Promise<Array<ReplyComment & { to: number }>> {
  const data = await octokit.graphql<RecentComments>(RECENT_COMMENTS_QUERY, {
    owner: repo.owner,
    name: repo.repo,
    number: issueNumber,
  });
  const out: Array<ReplyComment & { to: number }> = [];
  for (const c of data?.repository?.issueOrPullRequest?.comments?.nodes ?? []) {
    if (!c?.author || !sameLogin(c.author.login, botLogin) || c.databaseId == null) continue;
    const to = decodeMetadata<{ to?: number }>(c.body, "reply")?.to;
    if (typeof to === "number") out.push({ id: c.databaseId, body: c.body ?? "", to });
  }
  return out;
}

/** batchbot's earlier reply to comment `commandId`, if a redelivery finds one. */
export async function findReplyComment(
  octokit: GitHub,
  repo: RepoRef,
  issueNumber: number,
  commandId: number,
  botLogin: string,
): Promise<ReplyComment | null> {
  const replies = await recentReplies(octokit, repo, issueNumber, botLogin);
  const reply = replies.find((r) => r.to === commandId);
  return reply ? { id: reply.id, body: reply.body } : null;
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
  const text = fitComment(body, encodeMetadata("reply", { to: commandId }));
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

/** GitHub refuses comment bodies longer than this (characters). */
export const MAX_COMMENT_LENGTH = 65_536;

const CUT_NOTICE = "\n\n… (cut here: the reply is longer than a GitHub comment can be)";

/** `body` with its hidden `footer`, cut so that the comment stays within GitHub's limit. */
export function fitComment(body: string, footer: string): string {
  const room = MAX_COMMENT_LENGTH - footer.length - 2;
  if (body.length <= room) return `${body}\n\n${footer}`;
  let end = room - CUT_NOTICE.length;
  if (/[\uDC00-\uDFFF]/.test(body[end] ?? "")) end--; // don't split a surrogate pair
  return `${body.slice(0, end)}${CUT_NOTICE}\n\n${footer}`;
}
