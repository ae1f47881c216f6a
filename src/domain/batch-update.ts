import type { BatchMeta } from "./batch.js";
import { withBatchMeta, withReport, withTaskChecks } from "./batch-body.js";
import { withBatchSpecs } from "./batch-data.js";
import { type CountableComment, withBatchComments, withSpecComments } from "./batch-messages.js";
import {
  type BatchProgress,
  batchProgress,
  messageTotal,
  type ReportText,
  renderBatchReport,
  type SpecSnapshot,
} from "./batch-report.js";
import type { BatchConfig } from "./config.js";

export interface BatchUpdateInput {
  body: string;
  meta: BatchMeta;
  /** The batch's SPECs as GitHub has them now; a SPEC missing here is reported as not readable. */
  specs: ReadonlyMap<number, SpecSnapshot>;
  config: BatchConfig;
  now: string;
  text: ReportText;
  /** What a command or event changes in the metadata. */
  change?: (meta: BatchMeta) => BatchMeta;
  /** Every comment on the batch issue, as read with it: its messages are recounted from them. */
  batchComments?: { comments: readonly CountableComment[]; botLogin: string };
  /**
   * Every comment on each SPEC whose comments were read in full, by number, and when GitHub created the batch issue:
   * the SPEC messages are recounted.
   */
  specComments?: {
    comments: ReadonlyMap<number, readonly CountableComment[]>;
    botLogin: string;
    since: string;
  };
}

export interface BatchUpdate {
  body: string;
  meta: BatchMeta;
  progress: BatchProgress;
  /** The body differs from the one read: one write. */
  changed: boolean;
  /** This update completed the batch: the issue is to be closed as completed. */
  completed: boolean;
}

/**
 * The batch issue's next body: task lines ticked for closed SPECs, the report section rewritten, the metadata
 * updated. Completion (every SPEC validated or closed as not planned) stamps `completedAt` and counts the
 * completion report as a message. Pure: the same state gives the same body, so a redelivered event writes nothing.
 */
export function updateBatch(input: BatchUpdateInput): BatchUpdate {
  let changed = input.change ? input.change(structuredClone(input.meta)) : structuredClone(input.meta);
  if (input.specComments)
    changed = withSpecComments(changed, input.specComments.comments, {
      botLogin: input.specComments.botLogin,
      bots: input.config.bots,
      since: input.specComments.since,
    });
  if (input.batchComments)
    changed = withBatchComments(changed, input.batchComments.comments, {
      botLogin: input.batchComments.botLogin,
      bots: input.config.bots,
    });
  let progress = batchProgress(changed, input.specs, input.config);
  let completed = false;
  if (progress.complete && !changed.completedAt) {
    changed.completedAt = input.now;
    completed = true;
  } else if (!progress.complete && changed.completedAt) changed.completedAt = null;
  changed.messages = {
    ...changed.messages,
    counted: changed.messages?.counted ?? [],
    total: messageTotal(changed),
  };
  progress = { ...progress, messages: changed.messages.total };

  let body = withTaskChecks(input.body, (n) => {
    const spec = input.specs.get(n);
    return spec ? spec.state === "CLOSED" : undefined;
  });
  body = withReport(body, renderBatchReport(changed, progress, input.text));
  body = withBatchMeta(body, changed);
  body = withBatchSpecs(body, changed.specs);
  return { body, meta: changed, progress, changed: body !== input.body, completed };
}
