import { PAUSE_LABEL } from "../domain/agent-driver.js";
import type { RepoRef } from "../domain/references.js";
import { chunk, type GitHub, graphqlPartial, nodesOf } from "./graphql.js";
import { atLeast, permissionOf } from "./permissions.js";

export interface DriveGuards {
  /** Open issues carrying `batch-paused`, and whether one of them is the dashboard. */
  pausedIssues: Set<number>;
  dashboardPaused: boolean;
  /** SPECs (by node id) whose author and last editor have write access on the repository. */
  trustedSpecs: Set<string>;
  requests: number;
}

const PER_REQUEST = 100;

export function guardsQuery(withRepo: boolean): string {
  const repo = withRepo
    ? `
  repository(owner: $owner, name: $name) {
    label(name: $pause) {
      issues(first: 100, states: [OPEN]) { nodes { number labels(first: 50) { nodes { name } } } }
    }
  }`
    : "";
  const vars = withRepo ? "$ids: [ID!]!, $owner: String!, $name: String!, $pause: String!" : "$ids: [ID!]!";
  return `query BatchbotDriveGuards(${vars}) {
  nodes(ids: $ids) { ... on Issue { id author { login } editor { login } } }${repo}
}`;
}

/**
 * What the drivers' guards need, in one GraphQL read (100 SPECs per request): the issues paused with `batch-paused`,
 * and who wrote and last edited each SPEC; then each distinct writer's permission (REST, once per login).
 */
export async function readDriveGuards(
  octokit: GitHub,
  repo: RepoRef,
  specIds: readonly string[],
  dashboardLabel: string,
  botLogin: string,
): Promise<DriveGuards> {
  const guards: DriveGuards = {
    pausedIssues: new Set(),
    dashboardPaused: false,
    trustedSpecs: new Set(),
    requests: 0,
  };
  const writers = new Map<string, string[]>();
  const groups = chunk([...new Set(specIds)], PER_REQUEST);
  for (const [i, ids] of (groups.length ? groups : [[]]).entries()) {
    guards.requests++;
    const { data } = await graphqlPartial<{
      nodes: Array<{
        id?: string;
        author?: { login: string } | null;
        editor?: { login: string } | null;
      } | null>;
      repository?: {
        label: {
          issues: { nodes: Array<{ number: number; labels: { nodes: Array<{ name: string }> } }> };
        } | null;
      } | null;
    }>(octokit, guardsQuery(i === 0), {
      ids,
      ...(i === 0 ? { owner: repo.owner, name: repo.repo, pause: PAUSE_LABEL } : {}),
    });
    for (const node of nodesOf(data)) {
      if (!node?.id) continue;
      // A ghost (deleted) author can't be vouched for.
      const logins = [node.author?.login ?? null, node.editor?.login].filter((l) => l !== undefined);
      writers.set(
        node.id,
        logins.map((l) => l ?? ""),
      );
    }
    for (const issue of nodesOf(data?.repository?.label?.issues)) {
      guards.pausedIssues.add(issue.number);
      if (nodesOf(issue.labels).some((l) => l.name.toLowerCase() === dashboardLabel.toLowerCase()))
        guards.dashboardPaused = true;
    }
  }
  // batchbot's own edits (it never writes SPEC bodies today) can't make a SPEC untrusted.
  const permitted = new Map<string, boolean>([[botLogin.toLowerCase(), true]]);
  for (const logins of writers.values())
    for (const login of logins)
      if (login && !permitted.has(login.toLowerCase())) {
        guards.requests++;
        permitted.set(login.toLowerCase(), atLeast(await permissionOf(octokit, repo, login), "write"));
      }
  for (const [id, logins] of writers)
    if (logins.every((l) => l && permitted.get(l.toLowerCase()))) guards.trustedSpecs.add(id);
  return guards;
}
