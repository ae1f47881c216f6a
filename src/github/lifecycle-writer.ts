import type { Mutation } from "./mutations.js";

/** Writes of the agent lifecycle: batch and registry bodies, unassigning, unlinking. All aliasable. */

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
