import type { IssueRecord, IssueState, StateReason } from "../../domain/spec.js";
import type { IssueChange } from "../dependencies/run.js";

/** The `issues` actions batchbot takes (`src/pipeline.ts`); each step of the pipeline picks those it needs. */
export const ISSUE_ACTIONS = [
  "opened",
  "edited",
  "labeled",
  "unlabeled",
  "closed",
  "reopened",
  "assigned",
  "unassigned",
  "deleted",
  "transferred",
] as const;

export type IssueAction = (typeof ISSUE_ACTIONS)[number];

/** Label names of a webhook payload's issue (GitHub sends objects; older payloads, strings). */
export function labelNames(labels: ReadonlyArray<{ name: string } | string> | null | undefined): string[] {
  return (labels ?? []).map((l) => (typeof l === "string" ? l : l.name));
}

/** The subset of an `issues` webhook payload batchbot reads. */
export interface IssuesPayload {
  action: string;
  issue: {
    node_id: string;
    id: number;
    number: number;
    title: string;
    body?: string | null;
    state?: string;
    state_reason?: string | null;
    labels?: Array<{ name: string } | string>;
    assignees?: Array<{ login: string } | null> | null;
    created_at: string;
    updated_at: string;
    closed_at?: string | null;
  };
  label?: { name: string };
  changes?: { body?: { from: string }; title?: { from: string } };
}

export function issueRecordFromPayload(issue: IssuesPayload["issue"]): IssueRecord {
  return {
    id: issue.node_id,
    databaseId: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: (issue.state ?? "open").toUpperCase() as IssueState,
    stateReason: (issue.state_reason ? issue.state_reason.toUpperCase() : null) as StateReason,
    labels: labelNames(issue.labels),
    assignees: (issue.assignees ?? []).flatMap((a) => (a ? [a.login] : [])),
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    closedAt: issue.closed_at ?? null,
  };
}

/** Labels whose change can alter readiness: the SPEC label itself and the two readiness labels. */
export function isReadinessRelevant(payload: IssuesPayload, relevantLabels: readonly string[]): boolean {
  if (payload.action === "edited") return payload.changes?.body !== undefined;
  if (payload.action === "labeled" || payload.action === "unlabeled") {
    const name = payload.label?.name?.toLowerCase();
    return !!name && relevantLabels.some((l) => l.toLowerCase() === name);
  }
  return true;
}

/** Reconstructs the issue before the event, from what the payload says changed. */
export function changeFromPayload(payload: IssuesPayload): IssueChange {
  const current = issueRecordFromPayload(payload.issue);
  const base = { current, removed: false, mirror: false };
  switch (payload.action) {
    case "opened":
      return { ...base, previous: null, mirror: true };
    case "edited":
      return {
        ...base,
        mirror: payload.changes?.body !== undefined,
        previous: {
          ...current,
          body: payload.changes?.body?.from ?? current.body,
          title: payload.changes?.title?.from ?? current.title,
        },
      };
    case "labeled":
      return {
        ...base,
        previous: { ...current, labels: current.labels.filter((l) => l !== payload.label?.name) },
      };
    case "unlabeled":
      return { ...base, previous: { ...current, labels: [...current.labels, payload.label?.name ?? ""] } };
    case "closed":
      return { ...base, previous: { ...current, state: "OPEN", stateReason: null, closedAt: null } };
    case "deleted":
    case "transferred":
      return { ...base, previous: current, removed: true };
    default:
      return { ...base, previous: "unknown" };
  }
}
