import type { IssueRef, RepoRef } from "../domain/references.js";
import { agentDriversGitHub } from "./agent-drivers-port.js";
import { readBatches } from "./batch-reader.js";
import { lookupAssignable, readBatchLinks } from "./batch-writer.js";
import type { GitHub } from "./graphql.js";
import { readKnowledge } from "./knowledge-reader.js";
import { type Mutation, runMutations } from "./mutations.js";
import { lookupIssues, readRegistry } from "./registry-reader.js";
import { recentReplies, replyOnce } from "./replies.js";
import { loadBatchTemplate } from "./template-reader.js";

/**
 * The assignment workhorses' calls, on GitHub: the registry, the batch issues, the knowledge registry, other
 * repositories' issues, who can be assigned, the batches' links, the template, batchbot's replies (the hidden
 * assignment record), writes, and the agent drivers' calls.
 */
export function assignmentGitHub(octokit: GitHub, repo: RepoRef, botLogin: string) {
  return {
    readRegistry: (specLabel: string, labelNames: readonly string[]) =>
      readRegistry(octokit, repo, specLabel, labelNames),
    readBatches: (batchLabel: string) => readBatches(octokit, repo, batchLabel),
    readKnowledge: (label: string) => readKnowledge(octokit, repo, label),
    lookupIssues: (refs: readonly IssueRef[]) => lookupIssues(octokit, refs),
    lookupAssignable: (logins: readonly string[]) => lookupAssignable(octokit, repo, logins),
    readBatchLinks: (issueIds: readonly string[]) => readBatchLinks(octokit, issueIds),
    readTemplate: () => loadBatchTemplate(octokit, repo),
    readReplies: (issueNumber: number) => recentReplies(octokit, repo, issueNumber, botLogin),
    reviseReply: (issueNumber: number, commandId: number, body: string) =>
      replyOnce(octokit, repo, issueNumber, commandId, botLogin, body, { revise: true }),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
    drivers: agentDriversGitHub(octokit, repo, botLogin),
  };
}
