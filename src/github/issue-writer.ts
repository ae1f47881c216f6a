import type { LabelChange } from "../domain/readiness.js";
import type { Mutation } from "./mutations.js";

/** Colours for the labels batchbot creates when a repository doesn't have them yet, by configuration key. */
export const LABEL_COLORS: Record<string, string> = {
  blocked: "b60205",
  ready: "0e8a16",
  batch: "1d76db",
  "in-review": "fbca04",
  "changes-requested": "d93f0b",
  validated: "0e8a16",
  "found-existing": "c5def5",
  knowledge: "5319e7",
  dashboard: "0052cc",
};

export function createLabelMutation(repositoryId: string, name: string, key: string): Mutation {
  return {
    field: "createLabel",
    inputType: "CreateLabelInput",
    input: { repositoryId, name, color: LABEL_COLORS[key] ?? "ededed", description: `Managed by batchbot` },
    select: "label { id name }",
    describe: `create label ${name}`,
  };
}

/** Label writes for one issue: one mutation to add, one to remove, none when nothing changes. */
export function labelMutations(
  subjectId: string,
  change: LabelChange,
  labelIds: ReadonlyMap<string, string>,
  describe: string,
): Mutation[] {
  const ids = (names: string[]) =>
    names.map((n) => labelIds.get(n.toLowerCase())).filter((id): id is string => !!id);
  const out: Mutation[] = [];
  const add = ids(change.add);
  const remove = ids(change.remove);
  if (add.length)
    out.push({
      field: "addLabelsToLabelable",
      inputType: "AddLabelsToLabelableInput",
      input: { labelableId: subjectId, labelIds: add },
      describe: `${describe}: add ${change.add.join(", ")}`,
    });
  if (remove.length)
    out.push({
      field: "removeLabelsFromLabelable",
      inputType: "RemoveLabelsFromLabelableInput",
      input: { labelableId: subjectId, labelIds: remove },
      describe: `${describe}: remove ${change.remove.join(", ")}`,
    });
  return out;
}

export interface ExistingComment {
  id: string;
  body: string;
}

/** The write that turns an issue's sticky comment from `current` into `next` (`null`: no comment), if any. */
export function stickyMutation(
  subjectId: string,
  current: ExistingComment | null,
  next: string | null,
  describe: string,
): Mutation | null {
  if (!current && next)
    return {
      field: "addComment",
      inputType: "AddCommentInput",
      input: { subjectId, body: next },
      describe: `${describe}: comment`,
    };
  if (current && !next)
    return {
      field: "deleteIssueComment",
      inputType: "DeleteIssueCommentInput",
      input: { id: current.id },
      describe: `${describe}: delete comment`,
    };
  if (current && next && current.body.trim() !== next.trim())
    return {
      field: "updateIssueComment",
      inputType: "UpdateIssueCommentInput",
      input: { id: current.id, body: next },
      describe: `${describe}: update comment`,
    };
  return null;
}

export function reopenIssueMutation(issueId: string, describe: string): Mutation {
  return {
    field: "reopenIssue",
    inputType: "ReopenIssueInput",
    input: { issueId },
    describe: `${describe}: reopen`,
  };
}

export function closeIssueMutation(
  issueId: string,
  stateReason: "COMPLETED" | "NOT_PLANNED",
  describe: string,
): Mutation {
  return {
    field: "closeIssue",
    inputType: "CloseIssueInput",
    input: { issueId, stateReason },
    describe: `${describe}: close as ${stateReason.toLowerCase().replace("_", " ")}`,
  };
}

export function issueBodyMutation(issueId: string, body: string, describe: string): Mutation {
  return {
    field: "updateIssue",
    inputType: "UpdateIssueInput",
    input: { id: issueId, body },
    describe: `${describe}: update body`,
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

/** The issue a `createIssue` field returned (its selection decides which fields are there), or `null`. */
export function createdIssue<T extends { id: string; number: number } = { id: string; number: number }>(
  result: unknown,
): T | null {
  return (result as { issue?: T | null } | null)?.issue ?? null;
}
