import type { BatchDraft } from "../domain/batch-message.js";
import type { RepoRef } from "../domain/references.js";
import { chunk, type GitHub, graphqlPartial, type Nodes, nodesOf } from "./graphql.js";
import type { Mutation } from "./mutations.js";

/** The batch issue, opened with its label (so `readBatches` finds it at once) and, when possible, its agent. */
export function openBatchMutation(
  repositoryId: string,
  draft: Pick<BatchDraft, "title" | "body">,
  labelId: string,
  agentId: string | null,
  extraLabelIds: readonly string[] = [],
): Mutation {
  return {
    field: "createIssue",
    inputType: "CreateIssueInput",
    input: {
      repositoryId,
      title: draft.title,
      body: draft.body,
      labelIds: [labelId, ...extraLabelIds],
      ...(agentId ? { assigneeIds: [agentId] } : {}),
    },
    select: "issue { id number url }",
    describe: `open “${draft.title}”`,
  };
}

export function assignMutation(assignableId: string, userId: string, describe: string): Mutation {
  return {
    field: "addAssigneesToAssignable",
    inputType: "AddAssigneesToAssignableInput",
    input: { assignableId, assigneeIds: [userId] },
    describe,
  };
}

/** `replaceParent` moves a SPEC out of an earlier (closed) batch; without it GitHub refuses a second parent. */
export function subIssueMutation(
  parentId: string,
  childId: string,
  replaceParent: boolean,
  describe: string,
): Mutation {
  return {
    field: "addSubIssue",
    inputType: "AddSubIssueInput",
    input: { issueId: parentId, subIssueId: childId, ...(replaceParent ? { replaceParent: true } : {}) },
    describe,
  };
}

export interface OpenedIssue {
  id: string;
  number: number;
  url: string;
}

const PER_REQUEST = 50;

/**
 * Node ids of the agents GitHub lets this repository assign, by lower-cased login; agents missing from the map can't
 * be assigned (not collaborators). One aliased `assignableUsers` search per agent, 50 agents per request.
 */
export async function lookupAssignable(
  octokit: GitHub,
  repo: RepoRef,
  logins: readonly string[],
): Promise<{ users: Map<string, string>; requests: number }> {
  const users = new Map<string, string>();
  let requests = 0;
  for (const group of chunk([...new Set(logins.map((l) => l.toLowerCase()))], PER_REQUEST)) {
    const variables = group.map((_, i) => `, $q${i}: String!`).join("");
    const fields = group
      .map((_, i) => `    a${i}: assignableUsers(query: $q${i}, first: 20) { nodes { id login } }`)
      .join("\n");
    const document = `query BatchbotAssignable($owner: String!, $name: String!${variables}) {\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}`;
    requests++;
    const { data } = await graphqlPartial<{
      repository: Record<string, Nodes<{ id: string; login: string }>> | null;
    }>(octokit, document, {
      owner: repo.owner,
      name: repo.repo,
      ...Object.fromEntries(group.map((login, i) => [`q${i}`, login])),
    });
    group.forEach((login, i) => {
      const match = nodesOf(data?.repository?.[`a${i}`]).find((u) => u.login.toLowerCase() === login);
      if (match) users.set(login, match.id);
    });
  }
  return { users, requests };
}

export interface BatchLinks {
  assignees: string[];
  subIssues: Set<number>;
}

/** Who a batch issue is assigned to and which sub-issues it has: to finish an interrupted assignment. */
export async function readBatchLinks(
  octokit: GitHub,
  issueIds: readonly string[],
): Promise<{ links: Map<string, BatchLinks>; requests: number }> {
  const links = new Map<string, BatchLinks>();
  let requests = 0;
  for (const group of chunk(issueIds, PER_REQUEST)) {
    const variables = group.map((_, i) => `$b${i}: ID!`).join(", ");
    const fields = group
      .map(
        (_, i) =>
          `  b${i}: node(id: $b${i}) { ... on Issue { id assignees(first: 50) { nodes { login } } subIssues(first: 100) { nodes { number } } } }`,
      )
      .join("\n");
    requests++;
    const { data } = await graphqlPartial<
      Record<
        string,
        {
          id?: string;
          assignees?: { nodes: Array<{ login: string }> };
          subIssues?: { nodes: Array<{ number: number }> };
        } | null
      >
    >(
      octokit,
      `query BatchbotBatchLinks(${variables}) {\n${fields}\n}`,
      Object.fromEntries(group.map((id, i) => [`b${i}`, id])),
    );
    group.forEach((id, i) => {
      const node = data?.[`b${i}`];
      if (!node?.id) return;
      links.set(id, {
        assignees: nodesOf(node.assignees).map((a) => a.login),
        subIssues: new Set(nodesOf(node.subIssues).map((s) => s.number)),
      });
    });
  }
  return { links, requests };
}
