import { parseClosingReferences } from "../../domain/closing-references.js";
import { sameRepo } from "../../domain/references.js";
import { readOpenPullRequests } from "../../github/open-pull-requests-reader.js";
import { EventCache } from "../../github/validators.js";
import type { AppDeps } from "../shared/deps.js";
import type { Runtime } from "../shared/runtime.js";
import type { SyncOutcome, SyncStep } from "../shared/steps.js";
import { evaluatePullRequest } from "./run.js";

/** Open pull requests that close an issue of this repository: by their description or by GitHub's link. */
async function closingPullRequests(rt: Runtime): Promise<Array<{ number: number; body: string }>> {
  const { pullRequests } = await readOpenPullRequests(rt.octokit, rt.repo);
  return pullRequests.filter(
    (pr) =>
      pr.linked.length > 0 ||
      parseClosingReferences(pr.body, rt.repo, rt.hosts).some((ref) => sameRepo(ref, rt.repo)),
  );
}

/**
 * `/batch sync` and the reconcile sweep: every open pull request that closes a SPEC re-evaluated by the gate, so a
 * dropped `pull_request`, `pull_request_review`, `check_run` or `status` delivery leaves no wrong check run or gate
 * label. Skipped without a read when the registry read counted no open pull request; the evaluation writes only
 * drift. Runs before the batch tasks step, which then sees the gate labels as they are now.
 */
export function gateSyncStep(deps: Pick<AppDeps, "lock">): SyncStep {
  return async (rt, earlier): Promise<SyncOutcome> => {
    const open = earlier.find((o) => o.openPullRequests !== undefined)?.openPullRequests;
    if (open === 0) return { line: "- Quality gate: no open pull request", failures: [], repairs: {} };
    const cache = new EventCache();
    const checks: number[] = [];
    const specs = new Set<number>();
    const failures: string[] = [];
    const pullRequests = await closingPullRequests(rt);
    for (const pr of pullRequests) {
      const key = `gate:${rt.repo.owner}/${rt.repo.repo}#${pr.number}`.toLowerCase();
      const report = await deps.lock.run(key, () => evaluatePullRequest(rt, pr.number, [pr.body], cache));
      if (report.checkWritten) checks.push(pr.number);
      for (const change of report.labelChanges) specs.add(change.number);
      failures.push(...report.failures);
    }
    const repaired = [
      ...(checks.length ? [`check run rewritten on ${checks.map((n) => `#${n}`).join(", ")}`] : []),
      ...(specs.size ? [`gate labels of ${[...specs].map((n) => `#${n}`).join(", ")} corrected`] : []),
    ];
    const line = `- Quality gate (${pullRequests.length} open pull request${pullRequests.length === 1 ? "" : "s"}): ${
      repaired.length ? repaired.join("; ") : "all right"
    }`;
    return { line, failures, repairs: { gate_checks: checks.length, gate_labels: specs.size } };
  };
}
