/** How the end-to-end check named in `validation.e2e-check` stands on a pull request's head commit. */
export type E2eStatus = "passed" | "failed" | "running" | "missing";

/** One entry of a commit's status rollup: a check run or a commit status (GraphQL enum values). */
export type CommitCheck =
  | { kind: "check-run"; name: string; status: string; conclusion: string | null; at: string | null }
  | { kind: "status"; name: string; state: string; at: string | null };

const PASSING = new Set(["SUCCESS"]);
const RUNNING_STATUS = new Set(["QUEUED", "IN_PROGRESS", "PENDING", "REQUESTED", "WAITING", "EXPECTED"]);

function statusOf(check: CommitCheck): E2eStatus {
  if (check.kind === "status") {
    if (PASSING.has(check.state)) return "passed";
    return check.state === "PENDING" || check.state === "EXPECTED" ? "running" : "failed";
  }
  if (RUNNING_STATUS.has(check.status) || check.conclusion === null) return "running";
  return PASSING.has(check.conclusion) ? "passed" : "failed";
}

/**
 * The latest check run or commit status called `name` decides (a re-run replaces the run before it); `null`
 * timestamps (queued runs) count as the newest. Skipped and neutral runs don't pass an end-to-end check.
 */
export function e2eStatusOf(checks: readonly CommitCheck[], name: string): E2eStatus {
  const wanted = name.toLowerCase();
  const matching = checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => check.name.toLowerCase() === wanted);
  if (matching.length === 0) return "missing";
  const rank = (at: string | null) => (at === null ? Number.POSITIVE_INFINITY : Date.parse(at));
  matching.sort((a, b) => rank(a.check.at) - rank(b.check.at) || a.index - b.index);
  return statusOf(matching[matching.length - 1]!.check);
}
