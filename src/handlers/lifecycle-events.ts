import type { Context } from "probot";
import { decodeBatchMeta } from "../domain/batch.js";
import { countMessage, uncountMessage } from "../domain/batch-changes.js";
import { parseCommands } from "../domain/commands.js";
import { hasLabel, isSpec } from "../domain/spec.js";
import { sameLogin } from "../github/sticky-reader.js";
import { type BatchTarget, followProgress, type RefreshResult, refreshBatches } from "./batch-progress.js";
import { type AppDeps, configOf, repoOf } from "./deps.js";
import type { IssuesPayload } from "./issue-events.js";
import { type AfterCompletion, lifecycleCommands } from "./lifecycle-commands.js";
import { nextCommand, openNextBatch } from "./next-batch.js";
import type { Runtime } from "./runtime.js";

/** Comment authors GitHub says belong to the repository (owner, organisation member, collaborator). */
const MAINTAINERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/** How long label names are remembered to filter batchbot's own label events without reading the configuration. */
const LABEL_NAME_TTL_MS = 5 * 60_000;

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

  const runtime = async (context: Context): Promise<Runtime | null> => {
    const loaded = await configOf(context);
    if (!loaded.ok) return null;
    return {
      octokit: context.octokit,
      repo: repoOf(context),
      config: loaded.config,
      botLogin: await deps.botLogin(),
      hosts: deps.hosts,
      log: context.log,
    };
  };
  const refresh = async (rt: Runtime, target: BatchTarget, change: Parameters<typeof refreshBatches>[3]) => {
    const result: RefreshResult = await refreshBatches(rt, deps.lock, target, change);
    if (result.writes || result.failures.length)
      rt.log[result.failures.length ? "warn" : "info"](
        { target, reads: result.reads, writes: result.writes, failures: result.failures },
        "batch progress",
      );
    await afterCompletion(rt, result);
    await followProgress(deps, rt, result);
  };

  const stateLabels = new Map<string, { names: string[]; at: number }>();
  /**
   * Whether a label event changes a SPEC's state in its batch's report (`validated`, `in-review`,
   * `changes-requested`). batchbot's own label events (readiness labels, many at a time) are filtered with names
   * remembered from an earlier event, so they cost no configuration read.
   */
  const isStateLabel = async (context: Context, name: string | undefined, self: boolean) => {
    if (!name) return false;
    const key = `${repoOf(context).owner}/${repoOf(context).repo}`.toLowerCase();
    const known = stateLabels.get(key);
    if (self && known && Date.now() - known.at < LABEL_NAME_TTL_MS)
      return known.names.some((n) => sameName(n, name));
    const loaded = await configOf(context);
    if (!loaded.ok) return false;
    const { labels } = loaded.config;
    const names = [labels.validated, labels["in-review"], labels["changes-requested"]];
    stateLabels.set(key, { names, at: Date.now() });
    return names.some((n) => sameName(n, name));
  };

  // Not filtered with `fromSelf`: the quality gate (this app) labels SPECs validated and reopens unvalidated closes,
  // and the batch must follow. Writes go to batch issues only, whose own events are skipped here.
  deps.app.on(["issues.closed", "issues.reopened", "issues.labeled", "issues.unlabeled"], async (context) => {
    const payload = context.payload as unknown as IssuesPayload;
    const { issue } = payload;
    if (!issue.assignees?.length || decodeBatchMeta(issue.body)) return;
    const sender = (context.payload as { sender?: { login?: string } }).sender?.login ?? "";
    const self = sameLogin(sender, await deps.botLogin());
    if (
      (payload.action === "labeled" || payload.action === "unlabeled") &&
      !(await isStateLabel(context, payload.label?.name, self))
    )
      return;
    const rt = await runtime(context);
    if (!rt || !isSpec({ labels: labelNames(issue.labels) }, rt.config)) return;
    await refresh(rt, { kind: "spec", number: issue.number }, {});
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
