import { type BatchMeta, decodeBatchMeta } from "../../domain/batch.js";
import { isSpec } from "../../domain/spec.js";
import type { AppDeps } from "../shared/deps.js";
import { labelNames } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import type { IssueStep, SyncStep } from "../shared/steps.js";
import {
  batchTasksPortOf,
  followRefresh,
  refreshAndFollow,
  refreshBatches,
  type SharedBatchRead,
} from "./run.js";

/** Whether a label event changes a SPEC's state in its batch's report. */
function isStateLabel(config: Runtime["config"], name: string | undefined): boolean {
  const states = [config.labels.validated, config.labels["in-review"], config.labels["changes-requested"]];
  return !!name && states.some((n) => n.toLowerCase() === name.toLowerCase());
}

/**
 * `issues` events: a person closed, reopened or relabelled a SPEC of a batch; its batch issue's task list, report
 * and completion follow. The board and the dashboard follow in their own step, after this one; when they do, this
 * step reads from their progress read (`shared`), so the event costs one read for both.
 */
export function batchTasksAfterIssue(deps: AppDeps): IssueStep {
  return async ({ payload, rt, shared }) => {
    const { issue, action } = payload;
    if (!["closed", "reopened", "labeled", "unlabeled"].includes(action)) return;
    if (!issue.assignees?.length || decodeBatchMeta(issue.body)) return;
    if ((action === "labeled" || action === "unlabeled") && !isStateLabel(rt.config, payload.label?.name))
      return;
    if (!isSpec({ labels: labelNames(issue.labels) }, rt.config)) return;
    await refreshAndFollow(deps, rt, { kind: "specs", numbers: [issue.number] }, {}, false, shared);
    return undefined;
  };
}

/**
 * batchbot changed these SPECs (gate labels, a forced close): their batch issues follow, from one read — the
 * `shared` one when the board and the dashboard follow too (their progress read has every batch issue and SPEC).
 */
export async function batchTasksAfterSpecs(
  deps: AppDeps,
  rt: Runtime,
  numbers: readonly number[],
  shared?: SharedBatchRead,
): Promise<void> {
  await refreshAndFollow(deps, rt, { kind: "specs", numbers }, {}, false, shared);
}

/** The comments a batch counts, in order: what a lost comment delivery leaves wrong. */
function messageCount(meta: BatchMeta): string {
  return JSON.stringify(meta.messages?.counted ?? []);
}

/**
 * `/batch sync`: every open batch issue's task list, report and completion, rebuilt from its SPECs. With `shared`
 * (the board and dashboard's progress read, made for them anyway), the batch issues and their SPECs come from it:
 * no read of its own.
 */
export function batchTasksSyncStep(deps: AppDeps): SyncStep {
  return async (rt, _earlier, shared) => {
    const batches = await allBatches(rt, shared);
    const open = batches.filter((b) => b.state === "OPEN");
    const rewritten: number[] = [];
    let recounted = 0;
    const failures: string[] = [];
    for (const batch of open) {
      const result = await refreshBatches(
        rt,
        deps.lock,
        { kind: "batch", number: batch.number, specs: batch.meta.specs },
        { specComments: true },
        batchTasksPortOf(rt, shared),
      );
      shared?.applyBatchWrites(result);
      for (const b of result.batches) {
        if (!b.update.changed && !b.update.completed) continue;
        rewritten.push(b.number);
        // A comment on the batch issue whose delivery was lost: its message count was wrong.
        if (messageCount(b.update.meta) !== messageCount(batch.meta)) recounted++;
      }
      failures.push(...result.failures);
      await followRefresh(deps, rt, result, false);
    }
    const line = [
      rewritten.length
        ? `- Batch issues: ${rewritten.map((n) => `#${n}`).join(", ")} brought up to date (of ${open.length} open)`
        : `- Batch issues: all ${open.length} open ones right`,
      ...failures.slice(0, 5).map((f) => `  - GitHub refused: ${f}`),
    ].join("\n");
    return {
      line,
      failures: [],
      repairs: { batch_issues: rewritten.length, batch_messages: recounted },
      batches: batches.length,
    };
  };
}

/** Every batch issue with its metadata: from the shared read, or one read of its own (per 100). */
async function allBatches(
  rt: Runtime,
  shared: SharedBatchRead | undefined,
): Promise<Array<{ number: number; state: "OPEN" | "CLOSED"; meta: BatchMeta }>> {
  if (!shared) return (await batchTasksPortOf(rt).readBatches(rt.config.labels.batch)).batches;
  const snapshot = await shared.batches();
  return [...snapshot.batches.values()].flatMap((b) => (b.meta ? [{ ...b, meta: b.meta }] : []));
}
