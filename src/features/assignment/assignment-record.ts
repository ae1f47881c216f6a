import { sameLogin } from "../../domain/login.js";
import { decodeMetadata, encodeMetadata } from "../../domain/metadata.js";
import type { PlanOptions } from "../../domain/planner.js";
import type { RequestCount } from "../shared/runtime.js";
import type { AssignmentPort } from "./port.js";

/**
 * What a `/batch assign` reply records, hidden, about its command: what was asked (agents, size, domain), the
 * agents it still owes a batch (GitHub refused to open it), and whether anything is left to finish (a batch not
 * opened, a write refused). A redelivery reads it to plan only for the agents still owed; the same command given
 * again on the same issue reads it to finish that command instead of planning anew.
 */
export interface AssignmentRecord {
  agents: string[];
  size: number;
  domain: string | null;
  pending: string[];
  unfinished: boolean;
}

const KIND = "assignment";

export function encodeRecord(record: AssignmentRecord): string {
  return encodeMetadata(KIND, record);
}

export function decodeRecord(body: string | null | undefined): AssignmentRecord | null {
  const record = decodeMetadata<Partial<AssignmentRecord>>(body, KIND);
  if (!record) return null;
  return {
    agents: Array.isArray(record.agents) ? record.agents : [],
    size: typeof record.size === "number" ? record.size : 0,
    domain: typeof record.domain === "string" ? record.domain : null,
    pending: Array.isArray(record.pending) ? record.pending : [],
    // Replies written before the record had its other fields listed only what was owed.
    unfinished: record.unfinished ?? (Array.isArray(record.pending) && record.pending.length > 0),
  };
}

/** Whether a record was made by the same command: the same agents, size and domain. */
export function sameCommand(
  record: AssignmentRecord,
  agents: readonly { login: string }[],
  options: PlanOptions,
): boolean {
  return (
    record.agents.length === agents.length &&
    agents.every((a) => record.agents.some((r) => sameLogin(r, a.login))) &&
    record.size === options.size.max &&
    record.domain === options.domain
  );
}

export interface UnfinishedCommand {
  /** The earlier command comment: its batches are `<commentId>:<agent>`. */
  commentId: number;
  record: AssignmentRecord;
}

/**
 * The latest earlier `/batch assign` on this issue whose reply says it is unfinished, when it asked for the same as
 * `agents` and `options` (one read: the issue's last 100 comments).
 */
export async function findUnfinished(
  port: Pick<AssignmentPort, "readReplies">,
  issueNumber: number,
  commentId: number,
  agents: readonly { login: string }[],
  options: PlanOptions,
  count: RequestCount,
): Promise<UnfinishedCommand | null> {
  const replies = await port.readReplies(issueNumber);
  count.reads++;
  for (const reply of [...replies].reverse()) {
    if (reply.to === commentId) continue;
    const record = decodeRecord(reply.body);
    if (record?.unfinished && sameCommand(record, agents, options)) return { commentId: reply.to, record };
  }
  return null;
}
