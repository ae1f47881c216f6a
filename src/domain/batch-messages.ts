import type { BatchMeta } from "./batch.js";
import { sameLogin } from "./login.js";

/**
 * The messages exchanged for a batch, as the framework measures them. The comments on the batch issue are derived:
 * every write of the batch recounts them from the comments, so a comment whose delivery was lost, or a
 * deletion, is counted right by the next write (the reconcile sweep's, at the latest). Comments on the batch's SPEC
 * issues are counted by their events, by id (`onSpecs`).
 */

/** Comment authors GitHub says belong to the repository (owner, organisation member, collaborator). */
export const MAINTAINER_ASSOCIATIONS: ReadonlySet<string> = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/** An issue comment as counting needs it. `author` is `null` for a deleted ("ghost") account. */
export interface CountableComment {
  id: number;
  /** `type` is GitHub's account type (`User`, `Bot`, ...); bots' logins end in `[bot]`. */
  author: { login: string; type: string } | null;
  /** GitHub's author association (`OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`, ...). */
  association: string;
}

/** Who counts: the batch's agent and maintainers, when they are people or listed bots, never batchbot itself. */
export interface MessageRule {
  agent: string;
  botLogin: string;
  /** The bot accounts `.github/batch.yml` lists under `bots:`. */
  bots: readonly string[];
}

/** Whether an account is a person, or a bot listed under `bots:` (another app's comment is no message, nor command). */
export function isPersonOrListedBot(
  author: { login?: string | null; type?: string | null } | null | undefined,
  bots: readonly string[],
): boolean {
  const login = author?.login;
  if (!login) return false;
  if (bots.some((bot) => sameLogin(bot, login))) return true;
  return author?.type === "User" && !login.endsWith("[bot]");
}

/** Whether a comment is a message of the batch: by its agent or a maintainer, a person or a listed bot, not batchbot. */
export function countsAsMessage(comment: CountableComment, rule: MessageRule): boolean {
  const author = comment.author;
  if (!author || sameLogin(author.login, rule.botLogin)) return false;
  if (!isPersonOrListedBot(author, rule.bots)) return false;
  return sameLogin(author.login, rule.agent) || MAINTAINER_ASSOCIATIONS.has(comment.association);
}

/** The batch's messages recounted from every comment on its batch issue (`comments`), SPEC comments kept. */
export function withBatchComments(
  meta: BatchMeta,
  comments: readonly CountableComment[],
  rule: Omit<MessageRule, "agent">,
): BatchMeta {
  const onSpecs = meta.messages?.onSpecs ?? [];
  const onBatch = comments.filter((c) => countsAsMessage(c, { ...rule, agent: meta.agent })).map((c) => c.id);
  const counted = [...new Set([...onBatch, ...onSpecs])];
  return {
    ...meta,
    messages: { counted, ...(onSpecs.length ? { onSpecs } : {}), total: meta.messages?.total ?? 0 },
  };
}

/** Counts a comment on one of the batch's SPEC issues (once, whatever the redeliveries). */
export function countSpecComment(meta: BatchMeta, commentId: number): BatchMeta {
  const counted = meta.messages?.counted ?? [];
  const onSpecs = meta.messages?.onSpecs ?? [];
  if (onSpecs.includes(commentId)) return meta;
  return {
    ...meta,
    messages: {
      counted: counted.includes(commentId) ? counted : [...counted, commentId],
      onSpecs: [...onSpecs, commentId],
      total: meta.messages?.total ?? 0,
    },
  };
}

/** A deleted SPEC comment is no message any more. */
export function uncountSpecComment(meta: BatchMeta, commentId: number): BatchMeta {
  const onSpecs = meta.messages?.onSpecs ?? [];
  if (!onSpecs.includes(commentId)) return meta;
  const rest = onSpecs.filter((id) => id !== commentId);
  return {
    ...meta,
    messages: {
      counted: (meta.messages?.counted ?? []).filter((id) => id !== commentId),
      ...(rest.length ? { onSpecs: rest } : {}),
      total: meta.messages?.total ?? 0,
    },
  };
}
