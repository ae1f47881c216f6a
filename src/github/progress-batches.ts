import type { BatchSnapshot } from "./batch-progress-reader.js";
import type { ProgressSnapshot } from "./progress-reader.js";

/**
 * The batch-tasks view of a progress read: every batch issue (with readable metadata) and every SPEC it brought, so
 * the batch issues can be refreshed from the read the board and the dashboard make anyway. It carries no label ids,
 * batch labels, sub-issue links, SPEC parents or assignee ids (the progress read doesn't select them): only a
 * refresh that needs none of those (no command's extra writes) takes it.
 */
export function batchSnapshotFromProgress(progress: ProgressSnapshot): BatchSnapshot {
  return {
    repositoryId: progress.repositoryId,
    labelIds: new Map(),
    batches: new Map(
      progress.batches.map((b) => [
        b.number,
        {
          id: b.id,
          number: b.number,
          state: b.state,
          body: b.body,
          labels: [],
          meta: b.meta,
          subIssues: new Set<number>(),
        },
      ]),
    ),
    specs: new Map(progress.specs.map((s) => [s.number, { ...s, assigneeIds: new Map(), parent: null }])),
    requests: progress.requests,
  };
}
