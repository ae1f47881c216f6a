import type { BatchConfig } from "../domain/config.js";
import { type CheckOutput, type ExistingCheckRun, upsertCheckRun } from "./checks.js";
import { type Mutation, runMutations } from "./mutations.js";
import { type GateReadContext, readPullRequestGate, readSpecGates } from "./quality-gate-reader.js";
import { readStickyComments } from "./sticky-reader.js";
import { type Candidate, type EventCache, resolveEligibility } from "./validators.js";

/**
 * The quality gate workhorse's calls, on GitHub: the gate snapshot of a pull request or of SPECs, who may validate,
 * the check run, sticky comments, and the writes (labels, reopen/close, sticky edits) as batched mutations.
 */
export function qualityGateGitHub(ctx: GateReadContext, config: BatchConfig) {
  const { octokit, repo } = ctx;
  return {
    readPullRequest: (number: number, bodyNumbers: readonly number[], e2eCheck: string | null) =>
      readPullRequestGate(ctx, number, bodyNumbers, e2eCheck),
    readSpecs: (numbers: readonly number[], e2eCheck: string | null) => readSpecGates(ctx, numbers, e2eCheck),
    /** The stages each candidate may validate; reads not in `cache` are counted on it. */
    eligibility: (candidates: readonly Candidate[], cache: EventCache) =>
      resolveEligibility(octokit, repo, config, candidates, cache),
    upsertCheckRun: (check: CheckOutput, known: ExistingCheckRun | null) =>
      upsertCheckRun(octokit, repo, check, known),
    readStickies: (numbers: readonly number[]) => readStickyComments(octokit, repo, numbers, ctx.botLogin),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
  };
}
