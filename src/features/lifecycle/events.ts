import type { Context } from "probot";
import { decodeBatchMeta } from "../../domain/batch.js";
import { countMessage, uncountMessage } from "../../domain/batch-changes.js";
import { parseCommands } from "../../domain/commands.js";
import { hasLabel, isSpec } from "../../domain/spec.js";
import { readBatches } from "../../github/batch-reader.js";
import { sameLogin } from "../../github/sticky-reader.js";
import { nextCommand, openNextBatch } from "../assignment/next.js";
import { type BatchTarget, followProgress, type RefreshResult, refreshBatches } from "../batch-tasks/run.js";
import { type AppDeps, runtimeOf } from "../shared/deps.js";
import type { IssuesPayload } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import { type AfterCompletion, lifecycleCommands } from "./commands.js";

/** Comment authors GitHub says belong to the repository (owner, organisation member, collaborator). */
const MAINTAINERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/**
 * The agent lifecycle: `/batch blocked|unblocked|found-existing|discovery|done|release|next`, batch progress as
 * SPECs close, reopen and get validated (ticks, report, completion, `auto-next`), and the messages exchanged for each
 * open batch.
 */
export function registerAgentLifecycle(deps: AppDeps): void {
  // `batch.auto-next`: a completed batch opens the agent's next one (after the batch lock is released).
  const afterCompletion: AfterCompletion = async (rt, result) => {
    for (const batch of result.completed) {
      const { agent } = batch.update.meta;
      rt.log.info({ batch: batch.number, agent }, "batch completed and closed");
      if (!rt.config.batch["auto-next"]) continue;
      const next = await openNextBatch(deps, rt, {
        agent,
        sourceCommentId: -batch.number,
        issueNumber: batch.number,
      });
      rt.log.info(
        { agent, opened: next.opened, why: next.why, reads: next.reads, writes: next.writes },
        "auto-next",
      );
    }
  };
  const commands = lifecycleCommands(deps, afterCompletion);
  deps.commands.push(...commands, nextCommand(deps));
  // Commands that count their own comment (`/batch next` works anywhere and is counted like any comment).
  const lifecycleNames = new Set(commands.flatMap((c) => [c.help.name, ...(c.aliases ?? [])]));

  const runtime = (context: Context) => runtimeOf(deps, context);
  const refresh = async (
    rt: Runtime,
    target: BatchTarget,
    change: Parameters<typeof refreshBatches>[3],
    withProgress = true,
  ) => {
    const result: RefreshResult = await refreshBatches(rt, deps.lock, target, change);
    if (result.writes || result.failures.length)
      rt.log[result.failures.length ? "warn" : "info"](
        { target, reads: result.reads, writes: result.writes, failures: result.failures },
        "batch progress",
      );
    await afterCompletion(rt, result);
    if (withProgress) await followProgress(deps, rt, result);
  };

  /** Whether a label event changes a SPEC's state in its batch's report. */
  const isStateLabel = (config: Runtime["config"], name: string | undefined) =>
    !!name &&
    [config.labels.validated, config.labels["in-review"], config.labels["changes-requested"]].some((n) =>
      sameName(n, name),
    );

  // A person closed, reopened or relabelled a SPEC: the dependency handler has done its part (and the quality gate
  // may have vetoed a close, in which case this never runs). batchbot's own changes arrive through specsChanged.
  deps.afterIssueEvent.push(async (context, rt) => {
    const payload = context.payload as unknown as IssuesPayload;
    const { issue } = payload;
    if (!["closed", "reopened", "labeled", "unlabeled"].includes(payload.action)) return;
    if (!issue.assignees?.length || decodeBatchMeta(issue.body)) return;
    if (
      (payload.action === "labeled" || payload.action === "unlabeled") &&
      !isStateLabel(rt.config, payload.label?.name)
    )
      return;
    if (!isSpec({ labels: labelNames(issue.labels) }, rt.config)) return;
    // The board and dashboard follow in their own hook, after this one.
    await refresh(rt, { kind: "spec", number: issue.number }, {}, false);
  });
  // `/batch sync`: every open batch issue's task list, report and completion, rebuilt from its SPECs.
  deps.syncSteps.push(async (rt) => {
    const { batches } = await readBatches(rt.octokit, rt.repo, rt.config.labels.batch);
    const rewritten: number[] = [];
    const failures: string[] = [];
    for (const batch of batches.filter((b) => b.state === "OPEN")) {
      const result = await refreshBatches(
        rt,
        deps.lock,
        { kind: "batch", number: batch.number, specs: batch.meta.specs },
        {},
      );
      for (const b of result.batches) if (b.update.changed || b.update.completed) rewritten.push(b.number);
      failures.push(...result.failures);
      await afterCompletion(rt, result);
    }
    const open = batches.filter((b) => b.state === "OPEN").length;
    const line = [
      rewritten.length
        ? `- Batch issues: ${rewritten.map((n) => `#${n}`).join(", ")} brought up to date (of ${open} open)`
        : `- Batch issues: all ${open} open ones right`,
      ...failures.slice(0, 5).map((f) => `  - GitHub refused: ${f}`),
    ].join("\n");
    return { line, failures, repairs: { batch_issues: rewritten.length }, batches: batches.length };
  });
  deps.specsChanged.push(async (rt, numbers) => {
    for (const number of numbers) await refresh(rt, { kind: "spec", number }, {}, false);
  });

  // Messages: comments of the agent and of maintainers on an open batch issue and on its SPECs.
  deps.app.on(["issue_comment.created", "issue_comment.deleted"], async (context) => {
    const { comment, issue, action } = context.payload;
    if (issue.pull_request || !comment.user || sameLogin(comment.user.login, await deps.botLogin())) return;
    const author = comment.user.login;
    const maintainer = MAINTAINERS.has(comment.author_association);
    // Agents are assigned to their batch issue and SPECs; anyone else must be a maintainer to count.
    if (!maintainer && !issue.assignees?.some((a) => a && sameLogin(a.login, author))) return;
    const meta = decodeBatchMeta(issue.body);
    if (!meta && !issue.assignees?.length) return;
    // A lifecycle command counts its own comment, in the same write as its effect.
    if (meta && action === "created" && parseCommands(comment.body).some((l) => lifecycleNames.has(l.name)))
      return;
    const rt = await runtime(context);
    if (!rt) return;
    const labels = labelNames(issue.labels);
    let target: BatchTarget;
    if (meta) {
      if (!hasLabel(labels, rt.config.labels.batch)) return;
      target = { kind: "batch", number: issue.number, specs: meta.specs };
    } else {
      if (!isSpec({ labels }, rt.config)) return;
      target = { kind: "spec", number: issue.number };
    }
    await refresh(rt, target, {
      change: (m) => {
        if (action === "deleted") return uncountMessage(m, comment.id);
        return maintainer || sameLogin(author, m.agent) ? countMessage(m, comment.id) : m;
      },
    });
  });
}

function labelNames(labels: ReadonlyArray<{ name: string } | string> | null | undefined): string[] {
  return (labels ?? []).map((l) => (typeof l === "string" ? l : l.name));
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
