import { DASHBOARD_MARKER } from "../domain/dashboard.js";
import { sameLogin } from "../domain/login.js";
import type { Mutation } from "./mutations.js";
import type { DashboardIssue } from "./progress-reader.js";

/**
 * batchbot's dashboard among the issues carrying the dashboard label: written by batchbot and carrying the hidden
 * marker (a human's issue with the label is never taken over). An open one wins over a closed one, the oldest over
 * later duplicates.
 */
export function findDashboard(issues: readonly DashboardIssue[], botLogin: string): DashboardIssue | null {
  const mine = issues.filter(
    (i) => i.author && sameLogin(i.author.login, botLogin) && i.body.includes(DASHBOARD_MARKER),
  );
  return mine.find((i) => i.state === "OPEN") ?? mine[0] ?? null;
}

/** Whether a body already shows `rendered` (GitHub may store CRLF line ends and trailing space). */
export function sameBody(current: string, rendered: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, "\n").trim();
  return norm(current) === norm(rendered);
}

export function pinMutation(issueId: string, number: number): Mutation {
  return {
    field: "pinIssue",
    inputType: "PinIssueInput",
    input: { issueId },
    describe: `#${number}: pin the dashboard`,
  };
}
