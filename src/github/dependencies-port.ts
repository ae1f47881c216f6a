import type { IssueRef, RepoRef } from "../domain/references.js";
import { mirrorDependencyLinks } from "./dependency-links.js";
import type { GitHub } from "./graphql.js";
import { type Mutation, runMutations } from "./mutations.js";
import { lookupIssues, readRegistry } from "./registry-reader.js";
import { readStickyComments } from "./sticky-reader.js";

/** The dependencies workhorse's calls, on GitHub: the registry, other repositories' issues, stickies, writes, links. */
export function dependenciesGitHub(octokit: GitHub, repo: RepoRef, botLogin: string) {
  return {
    readRegistry: (specLabel: string, labelNames: readonly string[], dashboardLabel: string) =>
      readRegistry(octokit, repo, specLabel, labelNames, dashboardLabel),
    lookupIssues: (refs: readonly IssueRef[]) => lookupIssues(octokit, refs),
    readStickies: (numbers: readonly number[]) => readStickyComments(octokit, repo, numbers, botLogin),
    runMutations: (mutations: readonly Mutation[]) => runMutations(octokit, mutations),
    mirrorLinks: (issueNumber: number, named: ReadonlySet<number>, namedBefore: ReadonlySet<number>) =>
      mirrorDependencyLinks(octokit, repo, issueNumber, named, namedBefore),
  };
}
