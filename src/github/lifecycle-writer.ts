import type { Mutation } from "./mutations.js";

/** Writes of the agent lifecycle: batch and registry bodies, unassigning, unlinking. All aliasable. */

export function issueBodyMutation(issueId: string, body: string, describe: string): Mutation {
  return {
    field: "updateIssue",
    inputType: "UpdateIssueInput",
    input: { id: issueId, body },
    describe: `${describe}: update body`,
  };
}

export function unassignMutation(assignableId: string, userIds: string[], describe: string): Mutation {
  return {
    field: "removeAssigneesFromAssignable",
    inputType: "RemoveAssigneesFromAssignableInput",
    input: { assignableId, assigneeIds: userIds },
    describe: `${describe}: unassign`,
  };
}

export function removeSubIssueMutation(parentId: string, childId: string, describe: string): Mutation {
  return {
    field: "removeSubIssue",
    inputType: "RemoveSubIssueInput",
    input: { issueId: parentId, subIssueId: childId },
    describe: `${describe}: remove sub-issue`,
  };
}

export function createIssueMutation(
  repositoryId: string,
  title: string,
  body: string,
  labelIds: string[],
  describe: string,
): Mutation {
  return {
    field: "createIssue",
    inputType: "CreateIssueInput",
    input: { repositoryId, title, body, labelIds },
    select: "issue { id number }",
    describe: `${describe}: open`,
  };
}
