import type { RepoRef } from "../domain/references.js";
import { readBatchStates, readSpecBatches } from "./batch-progress-reader.js";
import { readBatches } from "./batch-reader.js";
import type { GitHub } from "./graphql.js";
import { type Mutation, runMutations } from "./mutations.js";

/**
 * The batch-tasks workhorse's calls, on GitHub: SPECs with their batches, batches and SPECs by number, every batch
 * issue, and the aliased writes (batch bodies, closes, labels).
 */
export function batchTasksGitHub(octokit: GitHub, repo: RepoRef) {
  return {
    readSpecBatches: (specs: readonly number[], labels: readonly string[]) =>
      readSpecBatches(octokit, repo, specs, labels),
    readBatchStates: (
      numbers: { batches: readonly number[]; specs: readonly number[] },
      labels: readonly string[],
      what: { specComments?: boolean } = {},
    ) => readBatchStates(octokit, repo, numbers, labels, what),
    readBatches: (batchLabel: string) => readBatches(octokit, repo, batchLabel),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
  };
}
