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

export function parseIssueList(json: unknown): IssueListResult {
  const result = z.array(ghIssue).safeParse(json);
  if (!result.success)
    return {
      ok: false,
      problems: result.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`),
    };
  return {
    ok: true,
    issues: result.data.map(
      (issue): IssueRecord => ({
        id: issue.id ?? `#${issue.number}`,
        databaseId: null,
        number: issue.number,
        title: issue.title,
        body: issue.body ?? "",
        state: issue.state as IssueState,
        stateReason: REASONS[(issue.stateReason ?? "").toUpperCase().replace(/ /g, "_")] ?? null,
        labels: issue.labels.map((l) => (typeof l === "string" ? l : l.name)),
        assignees: issue.assignees.map((a) => (typeof a === "string" ? a : a.login)),
        createdAt: issue.createdAt ?? "",
        updatedAt: issue.updatedAt ?? issue.createdAt ?? "",
        closedAt: issue.closedAt || null,
      }),
    ),
  };
}
