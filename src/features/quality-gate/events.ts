import type { Context } from "probot";
import type { BatchConfig } from "../../domain/config.js";
import { gateRules } from "../../domain/quality-gate.js";
import { GATE_CHECK } from "../../domain/quality-gate-report.js";
import { hasLabel } from "../../domain/spec.js";
import { pullRequestsForCommit } from "../../github/quality-gate-reader.js";
import { sameLogin } from "../../github/sticky-reader.js";
import { EventCache } from "../../github/validators.js";
import { type AppDeps, fromSelf, notifySpecsChanged, runtimeFrom, runtimeOf } from "../shared/deps.js";
import type { Runtime } from "../shared/runtime.js";
import { qualityGateCommands } from "./commands.js";
import { evaluatePullRequest, type GateReport, guardSpecClose } from "./run.js";

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
    const key = `gate:${rt.repo.owner}/${rt.repo.repo}#${number}`.toLowerCase();
    const report: GateReport = await deps.lock.run(key, () =>
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
    await notifySpecsChanged(
      deps,
      rt,
      report.labelChanges.map((c) => c.number),
    );
  }
}

function isE2eCheck(config: BatchConfig, name: string): boolean {
  const wanted = gateRules(config).e2eCheck;
  return !!wanted && wanted.toLowerCase() === name.toLowerCase();
}

/**
 * The B1/B2 quality gate: a `batchbot / quality gate` check run on every open pull request, gate labels on the SPECs
 * they close, the approve/reject/close commands, and a guard that reopens SPECs closed before they passed.
 */
export function registerQualityGate(deps: AppDeps): void {
  const { app } = deps;
  deps.commands.push(...qualityGateCommands((rt, numbers) => notifySpecsChanged(deps, rt, numbers)));

  deps.closeGuards.push(async (context, config) => {
    const { issue, sender } = context.payload;
    if (
      !hasLabel(
        (issue.labels ?? []).map((l) => l.name),
        config.labels.spec,
      )
    )
      return true;
    if (issue.state_reason === "not_planned" || issue.state_reason === "duplicate") return true;
    const rt = await runtimeFrom(deps, context, config);
    const { allowed, report } = await guardSpecClose(rt, issue.number, sender.login, new EventCache());
    rt.log[report.failures.length ? "warn" : "info"](
      { issue: issue.number, allowed, reads: report.reads, writes: report.writes, failures: report.failures },
      "quality gate on close",
    );
    return allowed;
  });

  app.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    async (context) => {
      if (await fromSelf(deps, context)) return;
      const { pull_request: pr, action } = context.payload;
      const changes = (context.payload as { changes?: { body?: { from: string }; base?: unknown } }).changes;
      if (action === "edited" && !changes?.body && !changes?.base) return;
      const rt = await runtimeOf(deps, context);
      if (!rt) return;
      await evaluate(deps, rt, context, [pr.number], () => [pr.body, changes?.body?.from]);
    },
  );

  app.on(
    REVIEW_ACTIONS.map((a) => `pull_request_review.${a}` as const),
    async (context) => {
      if (await fromSelf(deps, context)) return;
      const pr = context.payload.pull_request;
      const rt = await runtimeOf(deps, context);
      if (!rt) return;
      await evaluate(deps, rt, context, [pr.number], () => [pr.body]);
    },
  );

  app.on(["check_run.completed", "check_run.rerequested"], async (context) => {
    if (await fromSelf(deps, context)) return;
    const run = context.payload.check_run;
    const ours = run.name === GATE_CHECK && sameLogin(run.app?.slug ?? "", await deps.botLogin());
    if (context.payload.action === "rerequested" ? !ours : ours) return;
    const rt = await runtimeOf(deps, context);
    if (!rt || (!ours && !isE2eCheck(rt.config, run.name))) return;
    const linked = run.pull_requests.filter((p) => p.head.sha === run.head_sha).map((p) => p.number);
    const numbers = linked.length ? linked : await pullRequestsForCommit(rt.octokit, rt.repo, run.head_sha);
    await evaluate(deps, rt, context, numbers, () => []);
  });

  app.on("status", async (context) => {
    if (await fromSelf(deps, context)) return;
    const rt = await runtimeOf(deps, context);
    if (!rt || !isE2eCheck(rt.config, context.payload.context)) return;
    const numbers = await pullRequestsForCommit(rt.octokit, rt.repo, context.payload.sha);
    await evaluate(deps, rt, context, numbers, () => []);
  });
}
