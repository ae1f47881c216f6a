import { type BatchMeta, decodeBatchMeta } from "../../domain/batch.js";
import { withReleasedTasks } from "../../domain/batch-body.js";
import {
  addBlocker,
  clearBlockers,
  hasActiveBlocker,
  recordFoundExisting,
  releaseSpecs,
} from "../../domain/batch-changes.js";
import { isSettled, specProgress } from "../../domain/batch-report.js";
import type { CommandLine } from "../../domain/command-line.js";
import { type Discovery, specsNamedIn } from "../../domain/knowledge.js";
import { sameLogin } from "../../domain/login.js";
import { hasLabel, toSpec } from "../../domain/spec.js";
import { closeIssueMutation, labelMutations } from "../../github/issue-writer.js";
import { removeSubIssueMutation, unassignMutation } from "../../github/lifecycle-writer.js";
import type { Mutation } from "../../github/mutations.js";
import { atLeast, permissionOf } from "../../github/permissions.js";
import { planningLockKey } from "../../infra/lock.js";
import {
  type BatchContext,
  followRefresh,
  type RefreshOptions,
  type RefreshResult,
  refreshBatches,
} from "../batch-tasks/run.js";
import {
  type CommandContext,
  type CommandDefinition,
  type CommandOutcome,
  UsageError,
} from "../shared/command-registry.js";
import type { AppDeps } from "../shared/deps.js";
import { recordDiscoveries } from "./knowledge-registry.js";

const WHO = "the batch's agent; write, maintain or admin on the repository";

interface BatchCommandPlan {
  options: RefreshOptions;
  /** Changes which SPECs are in batches: runs under the planning lock, like `/batch assign`. */
  planning?: boolean;
  /** After the batch is written: further work, and the reply when one is needed. */
  after?: (result: RefreshResult) => Promise<string | undefined>;
}

/** The batch issue a command was given on; commands of the lifecycle work only there. */
function batchOf(ctx: CommandContext, name: string): BatchMeta {
  const meta = ctx.isPullRequest ? null : decodeBatchMeta(ctx.issueBody);
  if (!meta || !hasLabel(ctx.issueLabels, ctx.config.labels.batch))
    throw new UsageError(
      `works on a batch issue (one batchbot opened, labelled \`${ctx.config.labels.batch}\`); give \`/batch ${name}\` there.`,
    );
  return meta;
}

/** The batch's agent, and anyone with write permission or more. */
async function mayActOn(ctx: CommandContext, meta: BatchMeta): Promise<boolean> {
  if (sameLogin(ctx.sender, meta.agent)) return true;
  return atLeast(await permissionOf(ctx.octokit, ctx.repo, ctx.sender), "write");
}

/**
 * A command on a batch issue: checks who gave it (anyone else gets -1 and nothing changes), then changes the batch in
 * one read and one write. The command's comment is a message of the batch, counted in the same write (also when the
 * arguments were wrong).
 */
function batchCommand(
  deps: AppDeps,
  help: CommandDefinition["help"],
  build: (ctx: CommandContext, line: CommandLine, meta: BatchMeta) => BatchCommandPlan,
): CommandDefinition {
  return {
    help,
    async run(ctx, line): Promise<CommandOutcome> {
      const meta = batchOf(ctx, help.name);
      const target = { kind: "batch" as const, number: ctx.issueNumber, specs: meta.specs };
      // The command's comment is a message of the batch: recounted from the batch issue's comments by the write.
      const countOnly = () => refreshBatches(ctx, deps.lock, target, {});
      if (!(await mayActOn(ctx, meta))) return { reaction: "-1" };
      let plan: BatchCommandPlan;
      try {
        plan = build(ctx, line, meta);
      } catch (error) {
        if (error instanceof UsageError) await countOnly();
        throw error;
      }
      const refresh = () => refreshBatches(ctx, deps.lock, target, plan.options);
      const result = plan.planning
        ? await deps.lock.run(planningLockKey(ctx.repo), refresh)
        : await refresh();
      ctx.log.info(
        { reads: result.reads, writes: result.writes, failures: result.failures },
        `/batch ${line.name}`,
      );
      const reply = plan.after ? await plan.after(result) : closedReply(ctx, result, help.name);
      await followRefresh(deps, ctx, result);
      return reply ? { reaction: "eyes", reply } : { reaction: "eyes" };
    },
  };
}

function closedReply(ctx: CommandContext, result: RefreshResult, name: string): string | undefined {
  if (result.batches.length) return undefined;
  return `\`/batch ${name}\`: batch #${ctx.issueNumber} is closed, so nothing changed.`;
}

const now = () => new Date().toISOString();

function specNumber(token: string | undefined): number | null {
  const match = /^#?([1-9][0-9]{0,9})$/.exec(token ?? "");
  return match ? Number(match[1]) : null;
}

function inBatch(meta: BatchMeta, numbers: number[]): void {
  const outside = numbers.filter((n) => !meta.specs.includes(n));
  if (outside.length)
    throw new UsageError(
      `${outside.map((n) => `#${n}`).join(", ")} ${outside.length === 1 ? "is" : "are"} not in this batch (it holds ${meta.specs.map((n) => `#${n}`).join(", ") || "no SPEC"}).`,
    );
}

function blockedLabelWrite(ctx: CommandContext, at: BatchContext, add: boolean): Mutation[] {
  const name = ctx.config.labels.blocked;
  if (hasLabel(at.batch.labels, name) === add) return [];
  return labelMutations(
    at.batch.id,
    add ? { add: [name], remove: [] } : { add: [], remove: [name] },
    at.snapshot.labelIds,
    `batch #${at.batch.number}`,
  );
}

function blockedCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "blocked",
      usage: "/batch blocked <reason>",
      description:
        "Reports the batch blocked: it gets the `blocked` label, and the reason and time go into its report. Counted as a blocker.",
      whoCanUse: WHO,
      examples: ["/batch blocked the staging database is down"],
    },
    (ctx, line) => {
      const reason = line.rest.trim();
      if (!reason) throw new UsageError("say what blocks the batch.");
      const at = now();
      return {
        options: {
          labels: [ctx.config.labels.blocked],
          change: (m) => addBlocker(m, { reason, at, by: ctx.sender, comment: ctx.commentId }),
          extra: (where) => blockedLabelWrite(ctx, where, true),
        },
      };
    },
  );
}

function unblockedCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "unblocked",
      usage: "/batch unblocked",
      description: "Clears the batch's blockers and its `blocked` label.",
      whoCanUse: WHO,
      examples: ["/batch unblocked"],
    },
    (ctx) => {
      const at = now();
      return {
        options: {
          labels: [ctx.config.labels.blocked],
          change: (m) => clearBlockers(m, at),
          extra: (where, update) =>
            hasActiveBlocker(update.meta) ? [] : blockedLabelWrite(ctx, where, false),
        },
      };
    },
  );
}

function foundExistingCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "found-existing",
      usage: "/batch found-existing #N [where]",
      description:
        "Reports a SPEC of the batch as satisfied by existing code: it gets the `found-existing` label and waits for B1/B2 approvals by command. Counted as reuse.",
      whoCanUse: WHO,
      examples: ["/batch found-existing #12 src/auth/session.ts already does this"],
    },
    (ctx, line, meta) => {
      const spec = specNumber(line.args[0]);
      if (spec === null) throw new UsageError("name the SPEC, as `#12`.");
      inBatch(meta, [spec]);
      const where = line.rest.slice(line.rest.indexOf(line.args[0]!) + line.args[0]!.length).trim();
      const at = now();
      const label = ctx.config.labels["found-existing"];
      return {
        options: {
          labels: [label],
          change: (m) => recordFoundExisting(m, spec, where, at),
          extra: ({ snapshot }) => {
            const issue = snapshot.specs.get(spec);
            if (!issue || hasLabel(issue.labels, label)) return [];
            return labelMutations(issue.id, { add: [label], remove: [] }, snapshot.labelIds, `#${spec}`);
          },
        },
      };
    },
  );
}

function discoveryCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "discovery",
      usage: "/batch discovery <text>",
      description:
        "Shares a discovery in the repository's knowledge registry (one issue labelled `knowledge`, grouped by domain); new batches quote it in their SUCCESS PATTERN.",
      whoCanUse: WHO,
      examples: ["/batch discovery #12 and #14 can share the session cache in src/auth/cache.ts"],
    },
    (ctx, line, meta) => {
      const text = line.rest.trim();
      if (!text) throw new UsageError("write what you found.");
      const named = specsNamedIn(text, ctx.repo, ctx.hosts);
      return {
        options: { specs: named },
        after: async (result) => {
          const specs = result.snapshot?.specs ?? new Map();
          const domainsOf = (numbers: readonly number[]) => [
            ...new Set(
              numbers.flatMap((n) => {
                const issue = specs.get(n);
                return issue ? toSpec(issue, ctx.repo, ctx.config).domains : [];
              }),
            ),
          ];
          let domains = domainsOf(named);
          if (!domains.length) domains = domainsOf(meta.specs);
          const entry: Discovery = {
            id: ctx.commentId,
            agent: meta.agent,
            ...(sameLogin(ctx.sender, meta.agent) ? {} : { by: ctx.sender }),
            at: now(),
            batch: ctx.issueNumber,
            specs: named,
            domains: domains.sort(),
            text,
          };
          const recorded = await recordDiscoveries(ctx, deps.lock, [entry]);
          ctx.log.info(
            { reads: recorded.reads, writes: recorded.writes, failures: recorded.failures },
            `discovery recorded in #${recorded.registry}`,
          );
          return recorded.failures.length
            ? `The discovery could not be written to the knowledge registry: ${recorded.failures.join("; ")}`
            : undefined;
        },
      };
    },
  );
}

function doneCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "done",
      usage: "/batch done",
      description:
        "The completion report: the batch's report says, per SPEC, validated / merged awaiting validation / in review / open / found existing, with blockers, reuse and E2E. When every SPEC is closed and validated the batch issue is closed; otherwise the report says what is missing.",
      whoCanUse: WHO,
      examples: ["/batch done"],
    },
    () => ({ options: {} }),
  );
}

function releaseCommand(deps: AppDeps): CommandDefinition {
  return batchCommand(
    deps,
    {
      name: "release",
      usage: "/batch release [#N ...]",
      description:
        "Returns the named SPECs (or every unfinished one) to the pool: the agent is unassigned, the sub-issue link removed and the task list updated.",
      whoCanUse: WHO,
      examples: ["/batch release #12 #15", "/batch release"],
    },
    (ctx, line, meta) => {
      const named = line.args.map((token) => {
        const n = specNumber(token);
        if (n === null) throw new UsageError(`\`${token}\` is not a SPEC; name SPECs as \`#12\`.`);
        return n;
      });
      inBatch(meta, named);
      let released: Set<number> | null = null;
      const releasedOf = ({ batch, snapshot }: BatchContext) => {
        released ??= new Set(
          named.length
            ? named
            : batch.meta!.specs.filter(
                (n) => !isSettled(specProgress(snapshot.specs.get(n), batch.meta!, ctx.config.labels)),
              ),
        );
        return released;
      };
      return {
        planning: true,
        options: {
          editBody: (body, at) => withReleasedTasks(body, releasedOf(at)),
          change: (m, at) => releaseSpecs(m, releasedOf(at)),
          extra: (at, update) => {
            const writes: Mutation[] = [];
            const agent = at.batch.meta!.agent.toLowerCase();
            for (const n of releasedOf(at)) {
              const issue = at.snapshot.specs.get(n);
              if (!issue) continue;
              const agentId = issue.assigneeIds.get(agent);
              if (agentId) writes.push(unassignMutation(issue.id, [agentId], `#${n}`));
              if (issue.parent === at.batch.number)
                writes.push(
                  removeSubIssueMutation(at.batch.id, issue.id, `#${n} from batch #${at.batch.number}`),
                );
            }
            if (update.meta.specs.length === 0)
              writes.push(closeIssueMutation(at.batch.id, "NOT_PLANNED", `batch #${at.batch.number}`));
            return writes;
          },
        },
        after: async (result) => {
          if (!result.batches.length) return closedReply(ctx, result, "release");
          if (released?.size === 0)
            return "`/batch release`: nothing to release, every SPEC of this batch is validated or closed.";
          return undefined;
        },
      };
    },
  );
}

/** `/batch blocked|unblocked|found-existing|discovery|done|release`, on a batch issue. */
export function lifecycleCommands(deps: AppDeps): CommandDefinition[] {
  return [
    blockedCommand(deps),
    unblockedCommand(deps),
    foundExistingCommand(deps),
    discoveryCommand(deps),
    doneCommand(deps),
    releaseCommand(deps),
  ];
}
