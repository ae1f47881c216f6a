import { parseClosingReferences } from "../../domain/closing-references.js";
import { sameRepo } from "../../domain/references.js";
import { readOpenPullRequests } from "../../github/open-pull-requests-reader.js";
import type { RegistrySnapshot } from "../../github/registry-reader.js";
import { EventCache } from "../../github/validators.js";
import { readSpecRegistry } from "../dependencies/registry.js";
import { portOf as dependenciesPort } from "../dependencies/run.js";
import type { AppDeps } from "../shared/deps.js";
import type { Runtime } from "../shared/runtime.js";
import { registryFrom, type SyncOutcome, type SyncStep } from "../shared/steps.js";
import { afterGuard, guardMissedCloses, missedCloses } from "./missed-closes.js";
import { evaluatePullRequest, type GateReport, gateLockKey } from "./run.js";
import { inReviewCandidates, repairInReview } from "./stale-in-review.js";

/** Open pull requests that close an issue of this repository: by their description or by GitHub's link. */
async function closingPullRequests(rt: Runtime): Promise<Array<{ number: number; body: string }>> {
  const { pullRequests } = await readOpenPullRequests(rt.octokit, rt.repo);
  return pullRequests.filter(
    (pr) =>
      pr.linked.length > 0 ||
      parseClosingReferences(pr.body, rt.repo, rt.hosts).some((ref) => sameRepo(ref, rt.repo)),
  );
}

function registryOf(rt: Runtime, earlier: readonly SyncOutcome[]): Promise<RegistrySnapshot> {
  const known = registryFrom(earlier);
  return known ? Promise.resolve(known) : readSpecRegistry(rt, dependenciesPort(rt));
}

const list = (numbers: Iterable<number>) => [...numbers].map((n) => `#${n}`).join(", ");

/**
 * `/batch sync` and the reconcile sweep, before the readiness labels (as the close guard runs before the
 * dependencies on `issues.closed`): a SPEC whose `issues.closed` never arrived gets what the close guard would have
 * done (`missedCloses`: found in the registry at no request, then one gate read per 20). Reads the registry for
 * the steps after it; reopened SPECs are open in what it hands on.
 */
export function closeGuardSyncStep(now: () => number = Date.now): SyncStep {
  return async (rt, earlier): Promise<SyncOutcome> => {
    const registry = await registryOf(rt, earlier);
    const numbers = missedCloses(rt, registry.issues, now());
    if (numbers.length === 0) return { line: "", failures: [], repairs: {}, registry };
    const report = await guardMissedCloses(rt, numbers);
    const reopened = report.reopened;
    const labelled = new Set(report.labelChanges.map((c) => c.number).filter((n) => !reopened.includes(n)));
    const repaired = [
      ...(reopened.length ? [`${list(reopened)} reopened (closed before B1 and B2 validated)`] : []),
      ...(labelled.size ? [`gate labels of ${list(labelled)} corrected`] : []),
    ];
    return {
      line: repaired.length ? `- Closed SPECs: ${repaired.join("; ")}` : "",
      failures: report.failures,
      repairs: { gate_closes: reopened.length, gate_labels: labelled.size },
      registry: afterGuard(registry, report),
    };
  };
}

/** Pull requests evaluated one at a time, each under its lock (as the gate's events do). */
async function evaluateAll(
  deps: Pick<AppDeps, "lock">,
  rt: Runtime,
  pullRequests: ReadonlyArray<{ number: number; body: string }>,
  cache: EventCache,
): Promise<Array<{ number: number; report: GateReport }>> {
  const out: Array<{ number: number; report: GateReport }> = [];
  for (const pr of pullRequests) {
    const report = await deps.lock.run(gateLockKey(rt.repo, pr.number), () =>
      evaluatePullRequest(rt, pr.number, [pr.body], cache),
    );
    out.push({ number: pr.number, report });
  }
  return out;
}

/** The step's line of `/batch sync`'s reply and its repairs. */
function gateOutcome(
  open: number | null,
  reports: ReadonlyArray<{ number: number | null; report: GateReport }>,
): SyncOutcome {
  const checks = reports.filter((r) => r.report.checkWritten).map((r) => r.number!);
  const specs = new Set(reports.flatMap((r) => r.report.labelChanges.map((c) => c.number)));
  const repaired = [
    ...(checks.length ? [`check run rewritten on ${list(checks)}`] : []),
    ...(specs.size ? [`gate labels of ${list(specs)} corrected`] : []),
  ];
  const head =
    open === null
      ? "- Quality gate: no open pull request"
      : `- Quality gate (${open} open pull request${open === 1 ? "" : "s"}):`;
  const line =
    open === null
      ? [head, ...repaired].join("; ")
      : `${head} ${repaired.length ? repaired.join("; ") : "all right"}`;
  return {
    line,
    failures: reports.flatMap((r) => r.report.failures),
    repairs: { gate_checks: checks.length, gate_labels: specs.size },
  };
}

/**
 * `/batch sync` and the reconcile sweep: every open pull request that closes a SPEC re-evaluated by the gate, so a
 * dropped `pull_request`, `pull_request_review`, `check_run` or `status` delivery leaves no wrong check run or gate
 * label; then the open SPECs still labelled in review that none of them closes (`inReviewCandidates`, from the
 * registry), re-derived as the gate would (`repairInReview`), with the check runs of open pull requests that
 * mentioned them. The pull requests are skipped without a read when the registry read counted none open; every
 * evaluation writes only drift. Runs before the batch tasks step, which then sees the gate labels as they are now.
 */
export function gateSyncStep(deps: Pick<AppDeps, "lock">): SyncStep {
  return async (rt, earlier): Promise<SyncOutcome> => {
    const open = earlier.find((o) => o.openPullRequests !== undefined)?.openPullRequests;
    const cache = new EventCache();
    const pullRequests = open === 0 ? [] : await closingPullRequests(rt);
    const reports: Array<{ number: number | null; report: GateReport }> = await evaluateAll(
      deps,
      rt,
      pullRequests,
      cache,
    );
    const covered = new Set(reports.flatMap((r) => r.report.specs));
    const candidates = inReviewCandidates(rt, (await registryOf(rt, earlier)).issues, covered);
    if (candidates.length) {
      const stale = await repairInReview(rt, candidates);
      const again = stale.pullRequests.filter((p) => !pullRequests.some((q) => q.number === p.number));
      reports.push({ number: null, report: stale.report }, ...(await evaluateAll(deps, rt, again, cache)));
    }
    return gateOutcome(open === 0 ? null : pullRequests.length, reports);
  };
}
