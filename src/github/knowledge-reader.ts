import { type Discovery, decodeKnowledge, type KnowledgeMeta, mergeKnowledge } from "../domain/knowledge.js";
import type { RepoRef } from "../domain/references.js";
import { type GitHub, type Nodes, nodesOf } from "./graphql.js";

export const KNOWLEDGE_QUERY = /* GraphQL */ `
  query BatchbotKnowledge($owner: String!, $name: String!, $label: String!) {
    repository(owner: $owner, name: $name) {
      id
      label(name: $label) { id name }
      issues(first: 5, labels: [$label], states: [OPEN], orderBy: { field: CREATED_AT, direction: ASC }) {
        nodes { id number body }
      }
    }
  }
`;

export interface KnowledgeIssue {
  id: string;
  number: number;
  body: string;
}

export interface KnowledgeIssues {
  repositoryId: string;
  labelId: string | null;
  /** Open issues with the knowledge label, oldest first: the first is the registry, others are duplicates. */
  issues: KnowledgeIssue[];
}

/** The repository's knowledge registry issue(s), in one request. */
export async function readKnowledgeIssues(
  octokit: GitHub,
  repo: RepoRef,
  label: string,
): Promise<KnowledgeIssues> {
  const data = await octokit.graphql<{
    repository: {
      id: string;
      label: { id: string } | null;
      issues: Nodes<KnowledgeIssue>;
    } | null;
  }>(KNOWLEDGE_QUERY, { owner: repo.owner, name: repo.repo, label });
  if (!data.repository) throw new Error(`repository ${repo.owner}/${repo.repo} is not readable`);
  return {
    repositoryId: data.repository.id,
    labelId: data.repository.label?.id ?? null,
    issues: nodesOf(data.repository.issues).map((n) => ({ ...n, body: n.body ?? "" })),
  };
}

/** The knowledge registry's discoveries (every registry issue's entries merged) and its issue number, in one request. */
export async function readKnowledge(
  octokit: GitHub,
  repo: RepoRef,
  label: string,
): Promise<{ entries: Discovery[]; registry: number | null }> {
  const read = await readKnowledgeIssues(octokit, repo, label);
  const empty: KnowledgeMeta = { v: 1, entries: [] };
  const merged = read.issues.reduce((acc, issue) => mergeKnowledge(acc, decodeKnowledge(issue.body)), empty);
  return { entries: merged.entries, registry: read.issues[0]?.number ?? null };
}
