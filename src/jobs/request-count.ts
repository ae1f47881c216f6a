import type { RequestCount } from "../features/shared/runtime.js";
import type { GitHub } from "../github/graphql.js";
import { type RequestLike, requestKind } from "../infra/github-client.js";

/**
 * Counts the requests sent through `octokit` from now on (every attempt): GraphQL queries and REST GET/HEAD
 * are reads, the rest writes. Give it an Octokit of its own (the jobs authenticate one per repository).
 */
export function countRequests(octokit: GitHub): RequestCount {
  const count: RequestCount = { reads: 0, writes: 0 };
  octokit.hook.before("request", (options) => {
    const kind = requestKind(options as unknown as RequestLike);
    if (kind === "graphql_query" || kind === "rest_read") count.reads++;
    else count.writes++;
  });
  return count;
}
