import type { Logger } from "probot";
import type { BatchConfig } from "../../domain/config.js";
import type { RepoRef } from "../../domain/references.js";
import type { GitHub } from "../../github/graphql.js";

/** What every handler needs for one event in one repository. */
export interface Runtime {
  octokit: GitHub;
  repo: RepoRef;
  config: BatchConfig;
  botLogin: string;
  hosts: readonly string[];
  log: Logger;
}

/** Requests a handler made, for logs and for the budget tests. */
export interface RequestCount {
  reads: number;
  writes: number;
}
