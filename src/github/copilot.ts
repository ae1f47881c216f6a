import { COPILOT_LOGIN } from "../domain/agent-driver.js";
import type { RepoRef } from "../domain/references.js";
import { type GitHub, nodesOf } from "./graphql.js";

/**
 * Copilot's coding agent, as GitHub's docs ("Using Copilot cloud agent via the API") describe it: found among the
 * repository's `suggestedActors` with the login `copilot-swe-agent`, assigned with `addAssigneesToAssignable` and
 * an optional `agentAssignment` (custom instructions, base branch). Every request carries the GraphQL-Features
 * header and a **user** token (a PAT or a user-to-server token of someone with a Copilot seat): GitHub refuses
 * installation tokens, so these calls go through the client `copilotClient` makes from BATCHBOT_COPILOT_TOKEN.
 */
export const COPILOT_FEATURES = "issues_copilot_assignment_api_support";
export const COPILOT_TOKEN_ENV = "BATCHBOT_COPILOT_TOKEN";

const headers = { "GraphQL-Features": COPILOT_FEATURES };

/** The user token for Copilot assignments, or null when it isn't configured. */
export function copilotToken(env: NodeJS.ProcessEnv = process.env): string | null {
  const token = env[COPILOT_TOKEN_ENV]?.trim();
  return token ? token : null;
}

/** A client like the app's (same retries, base URL, throttling) that authenticates with the user token. */
export function copilotClient(octokit: GitHub, token: string): GitHub {
  const Client = octokit.constructor as new (options: Record<string, unknown>) => GitHub;
  return new Client({ auth: { token } });
}

export const FIND_COPILOT = `query BatchbotCopilotActor($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    suggestedActors(capabilities: [CAN_BE_ASSIGNED], first: 100) {
      nodes { login __typename ... on Bot { id } ... on User { id } }
    }
  }
}`;

/** Copilot's node id in this repository, or null when its coding agent is not enabled there (for the token's user). */
export async function findCopilot(client: GitHub, repo: RepoRef): Promise<string | null> {
  const data = await client.graphql<{
    repository: { suggestedActors: { nodes: Array<{ login: string; id?: string } | null> } } | null;
  }>(FIND_COPILOT, { owner: repo.owner, name: repo.repo, headers });
  const actor = nodesOf(data?.repository?.suggestedActors).find((n) => n.login === COPILOT_LOGIN);
  return actor?.id ?? null;
}

export const ASSIGN_COPILOT = `mutation BatchbotAssignCopilot($input: AddAssigneesToAssignableInput!) {
  addAssigneesToAssignable(input: $input) {
    assignable { ... on Issue { id assignees(first: 10) { nodes { login } } } }
  }
}`;

export interface CopilotAssignment {
  issueId: string;
  copilotId: string;
  repositoryId: string;
  instructions?: string;
  base?: string;
}

/** One mutation: Copilot assigned to the issue (other assignees stay), with the agent assignment's options. */
export async function assignCopilot(client: GitHub, assignment: CopilotAssignment): Promise<void> {
  const agentAssignment = {
    targetRepositoryId: assignment.repositoryId,
    ...(assignment.base ? { baseRef: assignment.base } : {}),
    ...(assignment.instructions ? { customInstructions: assignment.instructions } : {}),
  };
  await client.graphql(ASSIGN_COPILOT, {
    input: { assignableId: assignment.issueId, assigneeIds: [assignment.copilotId], agentAssignment },
    headers,
  });
}
