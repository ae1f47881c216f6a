import { planBoard } from "../../domain/board-plan.js";
import type { BatchConfig } from "../../domain/config.js";
import { projectRef } from "../../domain/project-ref.js";
import type { RepoRef } from "../../domain/references.js";
import type { GitHub } from "../../github/graphql.js";
import { readProgress } from "../../github/progress-reader.js";

/**
 * For the `batchbot config` check run: whether the configured project can be used (it exists, batchbot may read
 * it, its Status field has the options batchbot writes). One request; nothing is written.
 */
export async function boardConfigProbe(
  octokit: GitHub,
  repo: RepoRef,
  config: BatchConfig,
): Promise<string[]> {
  const ref = projectRef(config.project);
  if (!ref) return [];
  const { labels } = config;
  const snapshot = await readProgress(
    octokit,
    repo,
    {
      spec: labels.spec,
      batch: labels.batch,
      dashboard: labels.dashboard,
      changesRequested: labels["changes-requested"],
    },
    ref,
    { specs: false, batches: false },
  );
  if (snapshot.projectProblem) return [`Project board: ${snapshot.projectProblem}`];
  if (!snapshot.project) return [];
  return planBoard(snapshot.project.fields, [], new Map()).problems.map((p) => `Project board: ${p}`);
}
