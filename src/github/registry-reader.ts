import { type DependencyStatus, dependencyStatus } from "../domain/readiness.js";
import { type IssueRef, type RepoRef, refKey } from "../domain/references.js";
import type { IssueRecord, IssueState, StateReason } from "../domain/spec.js";
import { chunk, type GitHub, graphqlPartial, type Nodes, nodesOf } from "./graphql.js";

/** What every read of SPEC issues selects per issue; `toIssueRecord` turns it into an `IssueRecord`. */
export const ISSUE_RECORD_FIELDS =
  "id databaseId number title body state stateReason createdAt updatedAt closedAt labels(first: 50) { nodes { name } } assignees(first: 20) { nodes { login } } comments { totalCount }";

/** The registry page query, with one aliased `label(name:)` per label batchbot writes. */
export function registryDocument(labelCount: number): string {
  const labelVariables = Array.from({ length: labelCount }, (_, i) => `, $l${i}: String!`).join("");
  const labelFields = Array.from(
    { length: labelCount },
    (_, i) => `      l${i}: label(name: $l${i}) { id name }\n`,
  ).join("");
  return /* GraphQL */ `
  query BatchbotRegistry($owner: String!, $name: String!, $specLabel: String!, $dashboardLabel: String!, $cursor: String${labelVariables}) {
    repository(owner: $owner, name: $name) {
      id
      dashboards: issues(first: 1, labels: [$dashboardLabel], states: [OPEN]) { totalCount }
      openPullRequests: pullRequests(states: [OPEN]) { totalCount }
${labelFields}      issues(first: 100, after: $cursor, labels: [$specLabel], orderBy: { field: CREATED_AT, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes { ${ISSUE_RECORD_FIELDS} }
      }
    }
  }
`;
}

export interface IssueNode {
  id: string;
  databaseId: number | null;
  number: number;
  title: string;
  body: string;
  state: IssueState;
  stateReason: StateReason;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  labels: Nodes<{ name: string }>;
  assignees: Nodes<{ login: string }>;
  comments?: { totalCount: number } | null;
}

interface RegistryPage {
  repository: {
    id: string;
    [label: `l${number}`]: { id: string; name: string } | null;
    dashboards: { totalCount: number };
    openPullRequests: { totalCount: number };
    issues: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<IssueNode | null> | null;
    };
  } | null;
}

export interface RegistrySnapshot {
  repositoryId: string;
  /** Node ids of the repository's labels, by lower-cased name. */
  labelIds: Map<string, string>;
  issues: IssueRecord[];
  /** Open issues carrying the dashboard label. */
  openDashboards: number;
  /** Open pull requests (the quality gate's sync step skips its read at 0). */
  openPullRequests: number;
  requests: number;
}

export function toIssueRecord(node: IssueNode): IssueRecord {
  return {
    id: node.id,
    databaseId: node.databaseId,
    number: node.number,
    title: node.title,
    body: node.body ?? "",
    state: node.state,
    stateReason: node.stateReason,
    labels: nodesOf(node.labels).map((l) => l.name),
    assignees: nodesOf(node.assignees).map((a) => a.login),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    closedAt: node.closedAt,
    ...(node.comments ? { commentCount: node.comments.totalCount } : {}),
  };
}

/** Every issue carrying the SPEC label, open and closed, 100 per request; plus the ids of the labels batchbot writes. */
export async function readRegistry(
  octokit: GitHub,
  repo: RepoRef,
  specLabel: string,
  labelNames: readonly string[],
  dashboardLabel = "batch-dashboard",
): Promise<RegistrySnapshot> {
  const snapshot: RegistrySnapshot = {
    repositoryId: "",
    labelIds: new Map(),
    issues: [],
    openDashboards: 0,
    openPullRequests: 0,
    requests: 0,
  };
  const document = registryDocument(labelNames.length);
  const labelVariables = Object.fromEntries(labelNames.map((name, i) => [`l${i}`, name]));
  let cursor: string | null = null;
  do {
    snapshot.requests++;
    const page: RegistryPage = await octokit.graphql<RegistryPage>(document, {
      owner: repo.owner,
      name: repo.repo,
      specLabel,
      dashboardLabel,
      cursor,
      ...labelVariables,
    });
    if (!page.repository) throw new Error(`repository ${repo.owner}/${repo.repo} is not readable`);
    snapshot.repositoryId = page.repository.id;
    snapshot.openDashboards = page.repository.dashboards.totalCount;
    snapshot.openPullRequests = page.repository.openPullRequests.totalCount;
    labelNames.forEach((_, i) => {
      const label = page.repository?.[`l${i}`];
      if (label) snapshot.labelIds.set(label.name.toLowerCase(), label.id);
    });
    for (const node of nodesOf(page.repository.issues)) snapshot.issues.push(toIssueRecord(node));
    cursor = page.repository.issues.pageInfo.hasNextPage ? page.repository.issues.pageInfo.endCursor : null;
  } while (cursor);
  return snapshot;
}

export interface ExternalIssue {
  status: DependencyStatus;
  databaseId: number | null;
}

/** Aliased look-ups per GraphQL request (each costs one point: 100 stays far inside GitHub's node limit). */
export const LOOKUPS_PER_REQUEST = 100;

export function lookupDocument(count: number): string {
  const variables: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    variables.push(`$o${i}: String!`, `$r${i}: String!`, `$n${i}: Int!`);
    fields.push(
      `  x${i}: repository(owner: $o${i}, name: $r${i}) { issueOrPullRequest(number: $n${i}) { __typename ... on Issue { databaseId issueState: state stateReason } ... on PullRequest { databaseId prState: state } } }`,
    );
  }
  return `query BatchbotLookup(${variables.join(", ")}) {\n${fields.join("\n")}\n}`;
}

interface LookupNode {
  issueOrPullRequest:
    | { __typename: "Issue"; databaseId: number | null; issueState: IssueState; stateReason: StateReason }
    | { __typename: "PullRequest"; databaseId: number | null; prState: "OPEN" | "CLOSED" | "MERGED" }
    | null;
}

/** States of issues outside the registry (other repositories, issues here without the SPEC label), 100 per request. */
export async function lookupIssues(
  octokit: GitHub,
  refs: readonly IssueRef[],
): Promise<{ issues: Map<string, ExternalIssue>; requests: number }> {
  const issues = new Map<string, ExternalIssue>();
  let requests = 0;
  for (const group of chunk(refs, LOOKUPS_PER_REQUEST)) {
    const variables: Record<string, unknown> = {};
    group.forEach((ref, i) => {
      variables[`o${i}`] = ref.owner;
      variables[`r${i}`] = ref.repo;
      variables[`n${i}`] = ref.number;
    });
    requests++;
    const { data } = await graphqlPartial<Record<string, LookupNode | null>>(
      octokit,
      lookupDocument(group.length),
      variables,
    );
    group.forEach((ref, i) => {
      const node = data?.[`x${i}`]?.issueOrPullRequest ?? null;
      const status = node
        ? dependencyStatus(
            node.__typename === "PullRequest"
              ? { state: node.prState, isPullRequest: true }
              : { state: node.issueState, stateReason: node.stateReason },
          )
        : dependencyStatus(null);
      issues.set(refKey(ref), { status, databaseId: node?.databaseId ?? null });
    });
  }
  return { issues, requests };
}
