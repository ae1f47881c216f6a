import { z } from "zod";
import type { IssueRecord, IssueState, StateReason } from "./spec.js";

/**
 * One issue as `gh issue list --json number,title,body,labels,state,assignees` prints it; stateReason, id, createdAt,
 * updatedAt and closedAt are read when the export has them (the metrics report needs the dates).
 */
const ghIssue = z.object({
  id: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  closedAt: z.string().nullish(),
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  labels: z.array(z.union([z.object({ name: z.string() }), z.string()])).default([]),
  state: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(["OPEN", "CLOSED"])),
  stateReason: z.string().nullish(),
  assignees: z.array(z.union([z.object({ login: z.string() }), z.string()])).default([]),
});

export type IssueListResult = { ok: true; issues: IssueRecord[] } | { ok: false; problems: string[] };

const REASONS: Record<string, StateReason> = {
  COMPLETED: "COMPLETED",
  NOT_PLANNED: "NOT_PLANNED",
  REOPENED: "REOPENED",
  DUPLICATE: "DUPLICATE",
};

/**
 * The issues of a `gh issue list --json` export. A valid export (the common case) is read field by field into
 * `IssueRecord`s without zod: the schema's parse copies every object, which on 10,000 issues cost `batchbot plan` a
 * tenth of its time and much of its garbage collection. Anything the quick reader doesn't take goes through the
 * schema, so bad input gets zod's messages; a property test holds both to the same result.
 */
export function parseIssueList(json: unknown): IssueListResult {
  const issues = Array.isArray(json) ? readValid(json) : null;
  return issues ? { ok: true, issues } : parseIssueListWithSchema(json);
}

/** `parseIssueList` by the zod schema alone. */
export function parseIssueListWithSchema(json: unknown): IssueListResult {
  const result = z.array(ghIssue).safeParse(json);
  if (!result.success)
    return {
      ok: false,
      problems: result.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`),
    };
  return { ok: true, issues: result.data.map(toRecord) };
}

type GhIssue = z.output<typeof ghIssue>;
/** The fields read as they are (the schema's output, or a valid export item). */
type Fields = Omit<GhIssue, "labels" | "assignees" | "state">;

function toRecord(issue: GhIssue): IssueRecord {
  const labels = issue.labels.map((l) => (typeof l === "string" ? l : l.name));
  const assignees = issue.assignees.map((a) => (typeof a === "string" ? a : a.login));
  return record(issue, issue.state as IssueState, labels, assignees);
}

function record(issue: Fields, state: IssueState, labels: string[], assignees: string[]): IssueRecord {
  return {
    id: issue.id ?? `#${issue.number}`,
    databaseId: null,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state,
    stateReason: REASONS[(issue.stateReason ?? "").toUpperCase().replace(/ /g, "_")] ?? null,
    labels,
    assignees,
    createdAt: issue.createdAt ?? "",
    updatedAt: issue.updatedAt ?? issue.createdAt ?? "",
    closedAt: issue.closedAt || null,
  };
}

/** The records when every item is one the schema takes as it is; null at the first it might not. */
function readValid(items: readonly unknown[]): IssueRecord[] | null {
  const issues = new Array<IssueRecord>(items.length);
  for (let i = 0; i < items.length; i++) {
    const issue = isObject(items[i]) ? readIssue(items[i] as Record<string, unknown>) : null;
    if (!issue) return null;
    issues[i] = issue;
  }
  return issues;
}

function readIssue(item: Record<string, unknown>): IssueRecord | null {
  const { id, createdAt, updatedAt, closedAt, number, title, body, state, stateReason } = item;
  const upperState = typeof state === "string" ? state.toUpperCase() : "";
  const labels = namesOf(item.labels, "name");
  const assignees = namesOf(item.assignees, "login");
  const valid =
    typeof number === "number" &&
    Number.isSafeInteger(number) &&
    number > 0 &&
    typeof title === "string" &&
    (upperState === "OPEN" || upperState === "CLOSED") &&
    labels !== null &&
    assignees !== null &&
    optionalString(id) &&
    optionalString(createdAt) &&
    optionalString(updatedAt) &&
    (closedAt == null || typeof closedAt === "string") &&
    (body == null || typeof body === "string") &&
    (stateReason == null || typeof stateReason === "string");
  if (!valid) return null;
  return record(item as Fields, upperState as IssueState, labels, assignees);
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

/** `[{ name: "x" }, "y"]` (or absent, for none) as the strings; null when an item is neither form. */
function namesOf(list: unknown, field: "name" | "login"): string[] | null {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return null;
  const names = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const name =
      typeof item === "string" ? item : isObject(item) ? (item as Record<string, unknown>)[field] : null;
    if (typeof name !== "string") return null;
    names[i] = name;
  }
  return names;
}
