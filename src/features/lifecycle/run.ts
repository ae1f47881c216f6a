import { type BatchMeta, decodeBatchMeta } from "../../domain/batch.js";
import { withReleasedTasks } from "../../domain/batch-body.js";
import {
  addBlocker,
  clearBlockers,
  hasActiveBlocker,
  recordFoundExisting,
  releaseSpecs,
} from "../../domain/batch-changes.js";
import { countSpecComment, uncountSpecComment } from "../../domain/batch-messages.js";
import { isSettled, specProgress } from "../../domain/batch-report.js";
import type { CommandLine } from "../../domain/command-line.js";
import { type Discovery, specsNamedIn } from "../../domain/knowledge.js";
import { sameLogin } from "../../domain/login.js";
import { hasLabel, toSpec } from "../../domain/spec.js";
import { closeIssueMutation, labelMutations } from "../../github/issue-writer.js";
import { lifecycleGitHub } from "../../github/lifecycle-port.js";
import { removeSubIssueMutation, unassignMutation } from "../../github/lifecycle-writer.js";
import type { Mutation } from "../../github/mutations.js";
import { atLeast } from "../../github/permissions.js";
import { planningLockKey } from "../../infra/lock.js";
import {
  type BatchContext,
  type BatchTarget,
  followRefresh,
  type RefreshOptions,
  type RefreshResult,
  refreshAndFollow,
  refreshBatches,
} from "../batch-tasks/run.js";
import { type CommandContext, type CommandOutcome, UsageError } from "../shared/command-registry.js";
import type { AppDeps } from "../shared/deps.js";
import type { Runtime } from "../shared/runtime.js";
import { recordDiscoveries } from "./knowledge-registry.js";

/**
 * The agent lifecycle's workhorse: the commands on a batch issue (blocked, unblocked, found-existing, discovery,
 * done, release) and the messages counted from comments. It makes its GitHub calls through `LifecyclePort`
 * (`src/github/lifecycle-port.ts`); unit tests give it an in-memory one.
 */
export type LifecyclePort = ReturnType<typeof lifecycleGitHub>;

/** The port on the runtime's GitHub client. */
export function lifecyclePortOf(rt: Runtime): LifecyclePort {
  return lifecycleGitHub(rt.octokit, rt.repo);
}

/** What the workhorse takes from the app: the lock, and what follows batchbot's own writes. */
export type LifecycleDeps = Pick<AppDeps, "lock" | "follow">;

/** What one command does to its batch, and what comes after. */
export interface BatchCommandPlan {
  options: RefreshOptions;
  /** Changes which SPECs are in batches: runs under the planning lock, like `/batch assign`. */
  planning?: boolean;
  /** After the batch is written: further work, and the reply when one is needed. */
  after?: (result: RefreshResult) => Promise<string | undefined>;
}

export type PlanBuilder = (ctx: CommandContext, line: CommandLine, meta: BatchMeta) => BatchCommandPlan;

const now = () => new Date().toISOString();

/** The batch issue a command was given on; commands of the lifecycle work only there. */
export function batchOf(ctx: CommandContext, name: string): BatchMeta {
  const meta = ctx.isPullRequest ? null : decodeBatchMeta(ctx.issueBody);
  if (!meta || !hasLabel(ctx.issueLabels, ctx.config.labels.batch))
    throw new UsageError(
      `works on a batch issue (one batchbot opened, labelled \`${ctx.config.labels.batch}\`); give \`/batch ${name}\` there.`,
    );
  return meta;
}

/** The batch's agent, and anyone with write permission or more. */
async function mayActOn(ctx: CommandContext, port: LifecyclePort, meta: BatchMeta): Promise<boolean> {
  if (sameLogin(ctx.sender, meta.agent)) return true;
  return atLeast(await port.permissionOf(ctx.sender), "write");
}

/**
 * A command on a batch issue: checks who gave it (anyone else gets -1 and nothing changes), then changes the batch in
 * one read and one write. The command's comment is a message of the batch: the write recounts the batch issue's
 * comments (also when the arguments were wrong).
 */
export async function runBatchCommand(
  deps: LifecycleDeps,
  ctx: CommandContext,
  port: LifecyclePort,
  line: CommandLine,
  build: PlanBuilder,
): Promise<CommandOutcome> {
  const meta = batchOf(ctx, line.name);
  const target = { kind: "batch" as const, number: ctx.issueNumber, specs: meta.specs };
  if (!(await mayActOn(ctx, port, meta))) return { reaction: "-1" };
  let plan: BatchCommandPlan;
  try {
    plan = build(ctx, line, meta);
  } catch (error) {
    if (error instanceof UsageError) await refreshBatches(ctx, deps.lock, target, {}, port);
    throw error;
  }
  const refresh = () => refreshBatches(ctx, deps.lock, target, plan.options, port);
  const result = plan.planning ? await deps.lock.run(planningLockKey(ctx.repo), refresh) : await refresh();
  ctx.log.info(
    { reads: result.reads, writes: result.writes, failures: result.failures },
    `/batch ${line.name}`,
  );
  const reply = plan.after ? await plan.after(result) : closedReply(ctx, result, line.name);
  await followRefresh(deps, ctx, result);
  return reply ? { reaction: "eyes", reply } : { reaction: "eyes" };
}

function closedReply(ctx: CommandContext, result: RefreshResult, name: string): string | undefined {
  if (result.batches.length) return undefined;
  return `\`/batch ${name}\`: batch #${ctx.issueNumber} is closed, so nothing changed.`;
}

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

/** `/batch blocked <reason>`: the `blocked` label, and the reason, who and when in the report. */
export const blockedPlan: PlanBuilder = (ctx, line) => {
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
};

/** `/batch unblocked`: the blockers reported before it cleared, and the label once none is active. */
export const unblockedPlan: PlanBuilder = (ctx) => {
  const at = now();
  return {
    options: {
      labels: [ctx.config.labels.blocked],
      change: (m) => clearBlockers(m, at),
      extra: (where, update) => (hasActiveBlocker(update.meta) ? [] : blockedLabelWrite(ctx, where, false)),
    },
  };
};

/** `/batch found-existing #N [where]`: the SPEC labelled `found-existing`, and where in the report. */
export const foundExistingPlan: PlanBuilder = (ctx, line, meta) => {
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
};

/** `/batch done`: the report rewritten from every SPEC's state; the batch closes when every SPEC is done. */
export const donePlan: PlanBuilder = () => ({ options: {} });

/** `/batch discovery <text>`: the discovery in the knowledge registry, under its SPECs' domains (else the batch's). */
export function discoveryPlan(deps: LifecycleDeps, port: LifecyclePort): PlanBuilder {
  return (ctx, line, meta) => {
    const text = line.rest.trim();
    if (!text) throw new UsageError("write what you found.");
    const named = specsNamedIn(text, ctx.repo, ctx.hosts);
    return {
      options: { specs: named },
      after: async (result) => {
        const entry: Discovery = {
          id: ctx.commentId,
          agent: meta.agent,
          ...(sameLogin(ctx.sender, meta.agent) ? {} : { by: ctx.sender }),
          at: now(),
          batch: ctx.issueNumber,
          specs: named,
          domains: discoveryDomains(ctx, result, named, meta),
          text,
        };
        const recorded = await recordDiscoveries(ctx, deps.lock, [entry], port);
        ctx.log.info(
          { reads: recorded.reads, writes: recorded.writes, failures: recorded.failures },
          `discovery recorded in #${recorded.registry}`,
        );
        return recorded.failures.length
          ? `The discovery could not be written to the knowledge registry: ${recorded.failures.join("; ")}`
          : undefined;
      },
    };
  };
}

/** The domains of the SPECs a discovery names, else of its batch's SPECs, sorted. */
function discoveryDomains(
  ctx: CommandContext,
  result: RefreshResult,
  named: readonly number[],
  meta: BatchMeta,
): string[] {
  const specs = result.snapshot?.specs ?? new Map();
  const domainsOf = (numbers: readonly number[]) => [
    ...new Set(
      numbers.flatMap((n) => {
        const issue = specs.get(n);
        return issue ? toSpec(issue, ctx.repo, ctx.config).domains : [];
      }),
    ),
  ];
  const domains = domainsOf(named);
  return (domains.length ? domains : domainsOf(meta.specs)).sort();
}

/** The SPECs a release returns to the pool: those named, else every one not validated or closed. */
function releasedSpecs(ctx: CommandContext, named: readonly number[]) {
  let released: Set<number> | null = null;
  const of = ({ batch, snapshot }: BatchContext) => {
    released ??= new Set(
      named.length
        ? named
        : batch.meta!.specs.filter(
            (n) => !isSettled(specProgress(snapshot.specs.get(n), batch.meta!, ctx.config.labels)),
          ),
    );
    return released;
  };
  return { of, count: () => released?.size ?? null };
}

/** Unassigns the agent from each released SPEC and unlinks it; closes the batch as not planned when it is empty. */
function releaseWrites(at: BatchContext, released: ReadonlySet<number>, emptied: boolean): Mutation[] {
  const writes: Mutation[] = [];
  const agent = at.batch.meta!.agent.toLowerCase();
  for (const n of released) {
    const issue = at.snapshot.specs.get(n);
    if (!issue) continue;
    const agentId = issue.assigneeIds.get(agent);
    if (agentId) writes.push(unassignMutation(issue.id, [agentId], `#${n}`));
    if (issue.parent === at.batch.number)
      writes.push(removeSubIssueMutation(at.batch.id, issue.id, `#${n} from batch #${at.batch.number}`));
  }
  if (emptied) writes.push(closeIssueMutation(at.batch.id, "NOT_PLANNED", `batch #${at.batch.number}`));
  return writes;
}

/** `/batch release [#N ...]`: SPECs back to the pool (unassigned, unlinked, struck through), under the planning lock. */
export const releasePlan: PlanBuilder = (ctx, line, meta) => {
  const named = line.args.map((token) => {
    const n = specNumber(token);
    if (n === null) throw new UsageError(`\`${token}\` is not a SPEC; name SPECs as \`#12\`.`);
    return n;
  });
  inBatch(meta, named);
  const released = releasedSpecs(ctx, named);
  return {
    planning: true,
    options: {
      editBody: (body, at) => withReleasedTasks(body, released.of(at)),
      change: (m, at) => releaseSpecs(m, released.of(at)),
      extra: (at, update) => releaseWrites(at, released.of(at), update.meta.specs.length === 0),
    },
    after: async (result) => {
      if (!result.batches.length) return closedReply(ctx, result, "release");
      if (released.count() === 0)
        return "`/batch release`: nothing to release, every SPEC of this batch is validated or closed.";
      return undefined;
    },
  };
};

/** A comment that is a message: on a batch issue (recounted from its comments), or on a SPEC (counted by id). */
export interface CountedComment {
  /** The batch issue it was given on, or `null` for a SPEC. */
  batch: { number: number; specs: readonly number[] } | null;
  issue: number;
  commentId: number;
  deleted: boolean;
  /** Whether the comment counts in a batch whose agent is `agent` (the author is the agent or a maintainer). */
  countsFor: (agent: string) => boolean;
}

/**
 * The messages of the batches a comment concerns. On a batch issue the write recounts all its comments (read with
 * the batch), so nothing is changed by hand; on a SPEC the comment is counted, or uncounted, by id.
 */
export async function countComment(
  deps: LifecycleDeps,
  rt: Runtime,
  port: LifecyclePort,
  comment: CountedComment,
): Promise<RefreshResult> {
  const target: BatchTarget = comment.batch
    ? { kind: "batch", number: comment.batch.number, specs: comment.batch.specs }
    : { kind: "specs", numbers: [comment.issue] };
  const options: RefreshOptions = comment.batch
    ? {}
    : {
        change: (m) => {
          if (comment.deleted) return uncountSpecComment(m, comment.commentId);
          return comment.countsFor(m.agent) ? countSpecComment(m, comment.commentId) : m;
        },
      };
  return refreshAndFollow(deps, rt, target, options, true, undefined, port);
}
