import type { ProbotOctokit } from "probot";

export type GitHub = ProbotOctokit;

export interface GraphqlError {
  message: string;
  type?: string;
  path?: ReadonlyArray<string | number>;
}

/**
 * Runs a GraphQL document and returns its data even when some fields failed (GitHub answers NOT_FOUND for an
 * issue that doesn't exist, alongside the data it could read). Errors without any data are thrown.
 */
export async function graphqlPartial<T>(
  octokit: GitHub,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data: T; errors: GraphqlError[] }> {
  try {
    return { data: await octokit.graphql<T>(query, variables), errors: [] };
  } catch (error) {
    const partial = error as { name?: string; data?: T; errors?: GraphqlError[] };
    if (partial.name === "GraphqlResponseError" && partial.data)
      return { data: partial.data, errors: partial.errors ?? [] };
    throw error;
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A connection as GitHub's schema declares it: the connection, its `nodes` list and each node may be null. */
export type Nodes<T> = { nodes?: ReadonlyArray<T | null> | null } | null | undefined;

/** The nodes of a connection that are there: GitHub may answer `null` for the list or any item of it. */
export function nodesOf<T>(connection: Nodes<T>): T[] {
  return (connection?.nodes ?? []).filter((n): n is T => n != null);
}
