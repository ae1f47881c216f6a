import type { Context } from "probot";
import type { BatchConfig } from "../../domain/config.js";
import { sameLogin } from "../../domain/login.js";
import { gateRules } from "../../domain/quality-gate.js";
import { GATE_CHECK } from "../../domain/quality-gate-report.js";
import { hasLabel } from "../../domain/spec.js";
import { pullRequestsForCommit } from "../../github/quality-gate-reader.js";
import { EventCache } from "../../github/validators.js";
import { type AppDeps, fromSelf, runtimeOf } from "../shared/deps.js";
import { labelNames } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import type { IssueStep } from "../shared/steps.js";
import { evaluatePullRequest, type GateReport, gateLockKey, guardSpecClose } from "./run.js";

export const PULL_REQUEST_ACTIONS = [
  "opened",
  "edited",
  "synchronize",
  "reopened",
  "ready_for_review",
  "converted_to_draft",
  "closed",
] as const;
export const REVIEW_ACTIONS = ["submitted", "edited", "dismissed"] as const;

/** Evaluates pull requests one at a time per pull request, so concurrent events don't race on the check run. */
async function evaluate(
  deps: AppDeps,
  rt: Runtime,
  context: Context,
  numbers: readonly number[],
  bodies: (number: number) => Array<string | null | undefined>,
): Promise<void> {
  const cache = new EventCache();
  for (const number of numbers) {
    const report: GateReport = await deps.lock.run(gateLockKey(rt.repo, number), () =>
      evaluatePullRequest(rt, number, bodies(number), cache),
    );
    rt.log[report.failures.length ? "warn" : "info"](
      {
        pullRequest: number,
        reads: report.reads,
        writes: report.writes,
        checkWritten: report.checkWritten,
        labelChanges: report.labelChanges.length,
        failures: report.failures,
      },
      `quality gate after ${context.name}`,
    );
    await deps.follow.specsChanged(
      rt,
      report.labelChanges.map((c) => c.number),
      report.progress,
    );
  }
}

function isE2eCheck(config: BatchConfig, name: string): boolean {
  const wanted = gateRules(config).e2eCheck;
  return !!wanted && wanted.toLowerCase() === name.toLowerCase();
}

/**
 * `issues.closed`: a SPEC closed as completed before it passed the gate is reopened (with a note of what is
 * missing), and the event stops there: to everything after, the close never happened. The readiness labels need
 * nothing (the SPEC is open, as they saw it last); batch tasks, the board and the dashboard follow the SPEC as it
 * is now (`specsChanged`: batchbot's own reopen and label writes raise no event it takes, and a refresh that ran
 * while the SPEC was closed showed it done). A close already undone (a redelivery) follows again, so a follow cut
 * short is finished; where the gate's read counted no batch, board or dashboard, that costs no request.
 */
export function closeGuard(specsChanged: AppDeps["follow"]["specsChanged"]): IssueStep {
  return async ({ context, rt }) => {
    if (context.name !== "issues" || (context.payload as { action: string }).action !== "closed") return;
    const { issue, sender } = (context as Context<"issues.closed">).payload;
    if (!hasLabel(labelNames(issue.labels), rt.config.labels.spec)) return;
    if (issue.state_reason === "not_planned" || issue.state_reason === "duplicate") return;
    const { allowed, report } = await guardSpecClose(rt, issue.number, sender.login, new EventCache());
    rt.log[report.failures.length ? "warn" : "info"](
      { issue: issue.number, allowed, reads: report.reads, writes: report.writes, failures: report.failures },
      "quality gate on close",
    );
    if (allowed) return;
    await specsChanged(rt, [issue.number], report.progress);
    return "stop";
  };
}

/** `pull_request.*`: the check run of the pull request, and the gate labels of the SPECs it closes. */
export function gateOnPullRequest(deps: AppDeps) {
  return async (context: Context<"pull_request">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const { pull_request: pr, action } = context.payload;
    const changes = (context.payload as { changes?: { body?: { from: string }; base?: unknown } }).changes;
    if (action === "edited" && !changes?.body && !changes?.base) return;
    const rt = await runtimeOf(deps, context);
    if (!rt) return;
    await evaluate(deps, rt, context, [pr.number], () => [pr.body, changes?.body?.from]);
  };
}

/** `pull_request_review.*`: a B1/B2 review (or its dismissal) re-evaluates the pull request. */
export function gateOnReview(deps: AppDeps) {
  return async (context: Context<"pull_request_review">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const pr = context.payload.pull_request;
    const rt = await runtimeOf(deps, context);
    if (!rt) return;
    await evaluate(deps, rt, context, [pr.number], () => [pr.body]);
  };
}

/** `check_run.completed|rerequested`: the configured E2E check finished, or someone re-ran the gate's own check. */
export function gateOnCheckRun(deps: AppDeps) {
  return async (context: Context<"check_run">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const run = context.payload.check_run;
    const ours = run.name === GATE_CHECK && sameLogin(run.app?.slug ?? "", await deps.botLogin());
    if (context.payload.action === "rerequested" ? !ours : ours) return;
    const rt = await runtimeOf(deps, context);
    if (!rt || (!ours && !isE2eCheck(rt.config, run.name))) return;
    const linked = run.pull_requests.filter((p) => p.head.sha === run.head_sha).map((p) => p.number);
    const numbers = linked.length ? linked : await pullRequestsForCommit(rt.octokit, rt.repo, run.head_sha);
    await evaluate(deps, rt, context, numbers, () => []);
  };
}

/** `status`: the configured E2E check, reported as a commit status. */
export function gateOnStatus(deps: AppDeps) {
  return async (context: Context<"status">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const rt = await runtimeOf(deps, context);
    if (!rt || !isE2eCheck(rt.config, context.payload.context)) return;
    const numbers = await pullRequestsForCommit(rt.octokit, rt.repo, context.payload.sha);
    await evaluate(deps, rt, context, numbers, () => []);
  };
}
