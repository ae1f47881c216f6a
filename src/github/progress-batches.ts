import type { ProjectRef } from "../domain/project-ref.js";
import type { RepoRef } from "../domain/references.js";
import { type BatchSnapshot, readMoreComments } from "./batch-progress-reader.js";
import type { GitHub } from "./graphql.js";
import { type ProgressLabels, type ProgressSnapshot, readProgress } from "./progress-reader.js";

/**
 * The batch-tasks view of a progress read: every batch issue (with readable metadata, and its comments when read)
 * and every SPEC it brought, so the batch issues can be refreshed from the read the board and the dashboard make
 * anyway. It carries no label ids, batch labels, sub-issue links, SPEC parents or assignee ids (the progress read
 * doesn't select them): only a refresh that needs none of those (no command's extra writes) takes it.
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
          ...progress.batchComments.get(b.number),
        },
      ]),
    ),
    specs: new Map(
      progress.specs.map((s) => [
        s.number,
        { ...s, assigneeIds: new Map(), parent: null, ...progress.specComments?.get(s.number) },
      ]),
    ),
    requests: progress.requests,
  };
}

/**
 * The progress read shared by batch tasks and the board and dashboard: every page of it (with the board when
 * `project` is given, and the comments of batch issues and SPECs), then the comments of open batch issues, and of
 * their SPECs, beyond their first 100.
 * Batch tasks take `batches`; the board and the dashboard take `progress`.
 */
export async function readSharedProgress(
  octokit: GitHub,
  repo: RepoRef,
  labels: ProgressLabels,
  project: ProjectRef | null,
): Promise<{ progress: ProgressSnapshot; batches: BatchSnapshot }> {
  const progress = await readProgress(octokit, repo, labels, project, { batchComments: true });
  const batches = batchSnapshotFromProgress(progress);
  await readMoreComments(octokit, batches);
  return { progress, batches };
}
