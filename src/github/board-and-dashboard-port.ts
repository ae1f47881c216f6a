import type { ProjectRef } from "../domain/project-ref.js";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";
import { type Mutation, runMutations } from "./mutations.js";
import { type ProgressLabels, readProgress } from "./progress-reader.js";

/**
 * The board-and-dashboard workhorse's calls, on GitHub: the progress read (SPECs, batches, the dashboard issue and
 * label, the project with its fields and items) and the aliased writes (project fields, items and field values;
 * the dashboard issue, its label, body and pin).
 */
export function boardAndDashboardGitHub(octokit: GitHub, repo: RepoRef) {
  return {
    readProgress: (labels: ProgressLabels, project: ProjectRef | null) =>
      readProgress(octokit, repo, labels, project),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
  };
}
