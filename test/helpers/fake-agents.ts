import { GraphQLError } from "graphql";
import { COPILOT_FEATURES } from "../../src/github/copilot.js";
import { connection, type FakeGitHub, type FakeRepo } from "./fake-github.js";

/** The token the harness's app authenticates with: an installation token, as far as GitHub's checks go. */
export const INSTALLATION_TOKEN = "test-token";
export const COPILOT_ID = "BOT_kgDOCopilot";

export interface AgentRecords {
  /** Copilot assignments GitHub accepted: the issue and the agent assignment sent with it. */
  copilot: Array<{ issue: number; agentAssignment: Record<string, unknown> | null }>;
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<string, string> }>;
  /** Whether the installation may write Actions (dispatch); the fake answers 403 otherwise. */
  actions: "write" | "read" | "none";
  /** Whether Copilot's coding agent is enabled in the repositories (it appears among the suggested actors). */
  copilotEnabled: boolean;
}

function token(fake: FakeGitHub): string {
  return (fake.currentHeaders.authorization ?? "").replace(/^(?:token|bearer)\s+/i, "");
}

/**
 * Copilot's coding agent and Actions' workflow_dispatch on the fake GitHub, as GitHub's docs describe them: Copilot
 * is a suggested actor `copilot-swe-agent`; assigning it needs the GraphQL-Features header and a user token (an
 * installation token is refused); a dispatch needs the workflow file and Actions: write.
 */
export function installAgents(fake: FakeGitHub): AgentRecords {
  const records: AgentRecords = { copilot: [], dispatches: [], actions: "write", copilotEnabled: true };
  fake.extraQuery.nodes = ({ ids }: { ids: string[] }) =>
    ids.map((id) => {
      const node = fake.node(id);
      return node?.issue ? fake.issueView(node.repo, node.issue) : null;
    });
  fake.repoExtras.push((repo) => ({
    // A label with the open issues that carry it (Label.issues), for the pause guard.
    label: ({ name }: { name: string }) => {
      const label = repo.labels.get(name.toLowerCase());
      if (!label) return null;
      return {
        __typename: "Label",
        ...label,
        issues: (args: { first?: number; after?: string; states?: string[] }) =>
          connection(
            [...repo.issues.values()]
              .filter((i) => !i.pullRequest && i.labels.some((l) => l.toLowerCase() === name.toLowerCase()))
              .filter((i) => !args.states || args.states.includes(i.state))
              .map((i) => fake.issueView(repo, i)),
            args,
          ),
      };
    },
    suggestedActors: () => ({
      nodes: [
        ...(records.copilotEnabled
          ? [{ __typename: "Bot", id: COPILOT_ID, login: "copilot-swe-agent" }]
          : []),
        { __typename: "User", id: "U_lead", login: "lead" },
      ],
    }),
  }));
  // Who last edited an issue body: set `editor` on a fake issue to say.
  fake.issueExtras.push((_repo, issue) => {
    const editor = (issue as { editor?: string }).editor;
    return { editor: editor ? { __typename: "User", login: editor } : null };
  });
  const builtin = () =>
    (fake as unknown as { mutationRoot(): Record<string, (args: unknown) => unknown> }).mutationRoot();
  const assign = ({
    input,
  }: {
    input: { assignableId: string; assigneeIds: string[]; agentAssignment?: Record<string, unknown> | null };
  }) => {
    if (!input.assigneeIds.includes(COPILOT_ID)) {
      delete fake.extraMutation.addAssigneesToAssignable;
      try {
        return builtin().addAssigneesToAssignable!({ input });
      } finally {
        fake.extraMutation.addAssigneesToAssignable = assign;
      }
    }
    if (!(fake.currentHeaders["graphql-features"] ?? "").includes(COPILOT_FEATURES))
      throw new GraphQLError("Copilot can't be assigned without the GraphQL-Features header", {
        extensions: { type: "FORBIDDEN" },
      });
    if (token(fake) === INSTALLATION_TOKEN)
      throw new GraphQLError("Copilot can only be assigned with a user token", {
        extensions: { type: "FORBIDDEN" },
      });
    const node = fake.node(input.assignableId);
    if (!node?.issue) throw new GraphQLError("not found", { extensions: { type: "NOT_FOUND" } });
    if (!node.issue.assignees.includes("Copilot")) node.issue.assignees.push("Copilot");
    records.copilot.push({ issue: node.issue.number, agentAssignment: input.agentAssignment ?? null });
    return { clientMutationId: null, assignable: fake.issueView(node.repo, node.issue) };
  };
  fake.extraMutation.addAssigneesToAssignable = assign;

  const repoOf = (m: RegExpExecArray): FakeRepo | undefined =>
    fake.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
  const workflowIn = (repo: FakeRepo, file: string) =>
    repo.files.has(`.github/workflows/${decodeURIComponent(file)}`);
  fake.route("POST", /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/, (m, body) => {
    const repo = repoOf(m);
    if (records.actions !== "write") return [403, { message: "Resource not accessible by integration" }];
    if (!repo || !workflowIn(repo, m[3]!)) return [404, { message: "Not Found" }];
    records.dispatches.push({
      workflow: decodeURIComponent(m[3]!),
      ref: body.ref,
      inputs: body.inputs ?? {},
    });
    return [204, ""];
  });
  fake.route("GET", /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)$/, (m) => {
    const repo = repoOf(m);
    if (records.actions === "none") return [403, { message: "Resource not accessible by integration" }];
    if (!repo || !workflowIn(repo, m[3]!)) return [404, { message: "Not Found" }];
    return [200, { id: 1, path: `.github/workflows/${m[3]}`, state: "active" }];
  });
  fake.route("GET", /^\/repos\/([^/]+)\/([^/]+)$/, (m) => {
    const repo = repoOf(m);
    if (!repo) return [404, { message: "Not Found" }];
    return [
      200,
      {
        id: repo.databaseId,
        name: repo.name,
        full_name: `${repo.owner}/${repo.name}`,
        default_branch: "main",
      },
    ];
  });
  return records;
}
