import type { RepoRef } from "../domain/references.js";
import { batchTasksGitHub } from "./batch-tasks-port.js";
import type { GitHub } from "./graphql.js";
import { readKnowledgeIssues } from "./knowledge-reader.js";
import { permissionOf } from "./permissions.js";

/**
 * The lifecycle workhorse's calls, on GitHub: the batch issues' reads and writes (batch tasks' port: a batch with its
 * SPECs, aliased writes), a sender's permission, and the knowledge registry issues.
 */
export function lifecycleGitHub(octokit: GitHub, repo: RepoRef) {
  return {
    ...batchTasksGitHub(octokit, repo),
    permissionOf: (login: string) => permissionOf(octokit, repo, login),
    readKnowledgeIssues: (label: string) => readKnowledgeIssues(octokit, repo, label),
  };
}
