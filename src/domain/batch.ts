import { decodeMetadata, encodeMetadata } from "./metadata.js";

/**
 * The state of one batch, kept in its batch issue's body as `<!-- batchbot:batch {json} -->`.
 * Shared by planning (writes it), the agent lifecycle (updates it) and the dashboard (reads it).
 * Fields added later are optional so that older batch issues still decode.
 */
export interface BatchMeta {
  v: 1;
  /** Stable id: `<source comment id>:<agent>` for `/batch assign`, `next:<comment id>:<agent>` for `/batch next`. */
  id: string;
  agent: string;
  /** k in "Batch k for @agent": 1 + the number of batches the agent had before. */
  sequence: number;
  /** SPEC issue numbers in batch order: priority fixes first, then new implementations. */
  specs: number[];
  /** The subset of `specs` that are priority fixes (partial SPECs). */
  fixes: number[];
  /** The subset of `specs` that also appear in another agent's batch (overlap). */
  shared: number[];
  /** The comment that asked for the batch. */
  sourceCommentId: number;
  createdAt: string;
  completedAt?: string | null;
  /** Blockers reported with `/batch blocked`; `clearedAt` is set by `/batch unblocked`. */
  blockers?: BatchBlocker[];
  /** SPECs reported with `/batch found-existing`. */
  foundExisting?: Array<{ spec: number; where: string; at: string }>;
  /** Messages exchanged for this batch (assignment + human comments + completion report). */
  messages?: BatchMessages;
  /** The agent's driver sent its start signal (or, for Copilot and dispatch, was about to): once per batch. */
  driven?: BatchDriven;
}

export interface BatchDriven {
  driver: "label" | "mention" | "copilot" | "dispatch";
  at: string;
}

export interface BatchBlocker {
  reason: string;
  at: string;
  by: string;
  clearedAt?: string | null;
  /** The `/batch blocked` comment, so a redelivery doesn't report the blocker twice. */
  comment?: number;
}

export interface BatchMessages {
  /**
   * Comment ids counted (so a redelivery or an edit is not counted twice): the batch issue's, recounted from its
   * comments at every write, then `onSpecs`.
   */
  counted: number[];
  /** The comments on the batch's SPEC issues among them, counted by their events (absent: none). */
  onSpecs?: number[];
  /** Assignment (1) + completion report (1 when written) + counted comments. */
  total: number;
}

export const BATCH_METADATA_KIND = "batch";

export function encodeBatchMeta(meta: BatchMeta): string {
  return encodeMetadata(BATCH_METADATA_KIND, meta);
}

export function decodeBatchMeta(body: string | null | undefined): BatchMeta | null {
  const meta = decodeMetadata<BatchMeta>(body, BATCH_METADATA_KIND);
  if (meta?.v !== 1 || typeof meta.agent !== "string" || !Array.isArray(meta.specs)) return null;
  return meta;
}

/** A batch issue as read from GitHub: the issue plus its decoded metadata. */
export interface BatchIssue {
  number: number;
  id: string;
  state: "OPEN" | "CLOSED";
  title: string;
  body: string;
  meta: BatchMeta;
}
