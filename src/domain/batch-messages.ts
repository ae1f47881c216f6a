import type { BatchMeta } from "./batch.js";
import { sameLogin } from "./login.js";

/**
 * The messages exchanged for a batch, as the framework measures them. The comments on the batch issue are derived:
 * every write of the batch recounts them from the issue's comments, so a comment whose delivery was lost, or a
 * deletion, is counted right by the next write (the reconcile sweep's, at the latest). Comments on the batch's SPEC
 * issues are counted by their events, by id (`onSpecs`), and recounted (`withSpecComments`) by every write whose read
 * brought the comments of all the batch's SPECs (the reconcile sweep's and `/batch sync`'s).
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
  /** When it was written (ISO 8601); absent when not read (then it counts whenever it was written). */
  createdAt?: string;
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

/**
 * The batch's SPEC messages recounted from the comments on each SPEC now in its task list (`specComments`, by SPEC
 * number): the ones that count (`countsAsMessage`) written since the batch issue was created (`since`, GitHub's
 * clock, as the comments' times are); comments on a released SPEC count no more. Only an open batch is recounted
 * (a completed one is closed). Unchanged unless the comments of every SPEC of the batch were read in full.
 */
export function withSpecComments(
  meta: BatchMeta,
  specComments: ReadonlyMap<number, readonly CountableComment[]>,
  rule: Omit<MessageRule, "agent"> & { since: string },
): BatchMeta {
  if (!meta.specs.every((n) => specComments.has(n))) return meta;
  const since = Date.parse(rule.since);
  const during = (c: CountableComment) => !c.createdAt || Date.parse(c.createdAt) >= since;
  const counts = (c: CountableComment) => countsAsMessage(c, { ...rule, agent: meta.agent }) && during(c);
  const ids = meta.specs.flatMap((n) =>
    specComments
      .get(n)!
      .filter(counts)
      .map((c) => c.id),
  );
  const onSpecs = [...new Set(ids)].sort((a, b) => a - b);
  const before = new Set(meta.messages?.onSpecs ?? []);
  const onBatch = (meta.messages?.counted ?? []).filter((id) => !before.has(id));
  return {
    ...meta,
    messages: {
      counted: [...new Set([...onBatch, ...onSpecs])],
      ...(onSpecs.length ? { onSpecs } : {}),
      total: meta.messages?.total ?? 0,
    },
  };
}

/**
 * Counts a comment on one of the batch's SPEC issues (once, whatever the redeliveries). The SPEC comments are kept in
 * id order after the batch issue's, as the recount (`withSpecComments`) keeps them: a recount of the same comments,
 * however their events arrived, changes nothing.
 */
export function countSpecComment(meta: BatchMeta, commentId: number): BatchMeta {
  const onSpecs = meta.messages?.onSpecs ?? [];
  if (onSpecs.includes(commentId)) return meta;
  const before = new Set(onSpecs);
  const onBatch = (meta.messages?.counted ?? []).filter((id) => !before.has(id) && id !== commentId);
  const next = [...onSpecs, commentId].sort((a, b) => a - b);
  return {
    ...meta,
    messages: { counted: [...onBatch, ...next], onSpecs: next, total: meta.messages?.total ?? 0 },
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
