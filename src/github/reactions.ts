import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

export type Reaction = "eyes" | "-1" | "+1" | "confused";

/** Reacts to a command comment: the silent acknowledgement (eyes) or refusal (-1). GitHub keeps one per kind. */
export async function react(
  octokit: GitHub,
  repo: RepoRef,
  commentId: number,
  content: Reaction,
): Promise<void> {
  await octokit.rest.reactions.createForIssueComment({
    owner: repo.owner,
    repo: repo.repo,
    comment_id: commentId,
    content,
  });
}
