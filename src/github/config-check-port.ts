import type { BatchConfig } from "../domain/config.js";
import type { RepoRef } from "../domain/references.js";
import { upsertCheckRun } from "./checks.js";
import { loadRepoConfig } from "./config-reader.js";
import type { GitHub } from "./graphql.js";
import { loadBatchTemplate } from "./template-reader.js";

/** The config check's calls, on GitHub: files at a commit, the probes, the check run. */
export function configCheckGitHub(
  octokit: GitHub,
  repo: RepoRef,
  probe: (config: BatchConfig) => Promise<string[]>,
) {
  return {
    readConfig: (sha: string) => loadRepoConfig(octokit, repo, sha),
    readTemplate: (sha: string) => loadBatchTemplate(octokit, repo, sha),
    probe,
    writeCheckRun: async (check: Parameters<typeof upsertCheckRun>[2]) => {
      await upsertCheckRun(octokit, repo, check);
    },
  };
}
