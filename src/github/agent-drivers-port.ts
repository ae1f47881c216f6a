import type { RepoRef } from "../domain/references.js";
import { assignCopilot, type CopilotAssignment, copilotClient, findCopilot } from "./copilot.js";
import { readDriveGuards } from "./drive-guards-reader.js";
import type { GitHub } from "./graphql.js";
import { type Mutation, runMutations } from "./mutations.js";
import { defaultBranch, dispatchWorkflow } from "./workflow-dispatch.js";

/**
 * The agent drivers' calls, on GitHub: the guards' read (pauses, SPEC authors' access), Copilot (through a client
 * on the user token, made once per run), workflow dispatches with the default branch, and body writes.
 */
export function agentDriversGitHub(octokit: GitHub, repo: RepoRef, botLogin: string) {
  return {
    readGuards: (specIds: readonly string[], dashboardLabel: string) =>
      readDriveGuards(octokit, repo, specIds, dashboardLabel, botLogin),
    copilot: (token: string) => {
      const client = copilotClient(octokit, token);
      return {
        find: () => findCopilot(client, repo),
        assign: (assignment: CopilotAssignment) => assignCopilot(client, assignment),
      };
    },
    defaultBranch: () => defaultBranch(octokit, repo),
    dispatch: (workflow: string, ref: string, batch: number) =>
      dispatchWorkflow(octokit, repo, workflow, ref, batch),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
  };
}
