import { parseAssignArgs } from "../../domain/assign-args.js";
import { renderLeftovers } from "../../domain/assignment-report.js";
import { decodeBatchMeta } from "../../domain/batch.js";
import { batchId } from "../../domain/batch-message.js";
import { TEMPLATE_PATH } from "../../domain/batch-template.js";
import { formatConfigProblems } from "../../domain/config.js";
import { quietMention } from "../../domain/mention-escape.js";
import { planOptions } from "../../domain/planner.js";
import { hasLabel } from "../../domain/spec.js";
import { readBatches } from "../../github/batch-reader.js";
import { mayCommand } from "../../github/permissions.js";
import { sameLogin } from "../../github/sticky-reader.js";
import { loadBatchTemplate } from "../../github/template-reader.js";
import { planningLockKey } from "../../infra/lock.js";
import { type CommandDefinition, UsageError } from "../shared/command-registry.js";
import type { AppDeps } from "../shared/deps.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { runAssignment } from "./assign.js";

export interface NextRequest {
  agent: string;
  /**
   * What asked for the batch: the `/batch next` comment, or minus the completed batch's number for `auto-next`.
   * The batch is `<source>:<agent>`, so a redelivery finds it instead of opening another.
   */
  sourceCommentId: number;
  /** Where the request was made (the command's issue, or the completed batch). */
  issueNumber: number;
}

export interface NextResult extends RequestCount {
  opened: number[];
  /** Why no batch opened, for the one reply; null when one did (its batch issue is the message). */
  why: string | null;
  failures: string[];
}

/**
 * The agent's next batch, planned for that agent alone with `/batch assign`'s planner and opened the same way.
 * Runs under the planning lock, so two requests can't both find the agent without a batch. Refused while the agent
 * still has an open batch, unless `batch.pull-ahead` allows it.
 */
export async function openNextBatch(deps: AppDeps, rt: Runtime, request: NextRequest): Promise<NextResult> {
  const outcome = await deps.lock.run(planningLockKey(rt.repo), async (fence): Promise<NextResult> => {
    const result: NextResult = { reads: 0, writes: 0, opened: [], why: null, failures: [] };
    const agent = rt.config.agents.find((a) => sameLogin(a.login, request.agent));
    const login = agent?.login ?? request.agent;
    const read = await readBatches(rt.octokit, rt.repo, rt.config.labels.batch);
    result.reads += read.requests;
    const own = batchId(request.sourceCommentId, login);
    // A redelivery: this request opened its batch already (the assignment below finishes what it lacks).
    const redelivered = read.batches.some((b) => b.meta.id === own);
    if (!rt.config.batch["pull-ahead"] && !redelivered) {
      const open = read.batches.filter((b) => b.state === "OPEN" && sameLogin(b.meta.agent, login));
      if (open.length) {
        result.why = `${quietMention(login)} still has ${open.map((b) => `#${b.number}`).join(", ")} open: finish it (\`/batch done\`) or return what is left (\`/batch release\`) first. With \`batch.pull-ahead: true\` in \`.github/batch.yml\` an agent may pull its next batch before.`;
        return result;
      }
    }
    const template = await loadBatchTemplate(rt.octokit, rt.repo);
    result.reads++;
    if (!template.ok) {
      result.why = formatConfigProblems(template.problems, TEMPLATE_PATH);
      return result;
    }
    const assignment = await runAssignment(
      rt,
      {
        agents: [{ login, domains: agent?.domains ?? [] }],
        options: planOptions(rt.config.batch),
        template: template.template,
        sourceCommentId: request.sourceCommentId,
        issueNumber: request.issueNumber,
        dryRun: false,
      },
      fence,
    );
    result.reads += assignment.reads;
    result.writes += assignment.writes;
    result.opened = assignment.opened;
    result.failures = assignment.failures;
    if (!assignment.opened.length && !assignment.failures.length && !redelivered) {
      const leftovers = renderLeftovers(assignment.leftovers, rt.repo);
      result.why = leftovers
        ? `No SPEC is left that ${quietMention(login)} can take.\n\n${leftovers}`
        : "No open SPEC is left.";
    } else if (assignment.failures.length) result.why = assignment.reply;
    return result;
  });
  if (outcome.opened.length && (rt.config.project || rt.config.dashboard.enabled))
    await deps.refreshProgress?.(rt);
  return outcome;
}

/** `/batch next [@agent]`: anywhere; the agent defaults to the batch's (on a batch issue) or to whoever asks. */
export function nextCommand(deps: AppDeps): CommandDefinition {
  return {
    help: {
      name: "next",
      usage: "/batch next [@agent]",
      description:
        "Opens the agent's next batch, planned for that agent alone as `/batch assign` plans. Allowed when the agent has no open batch (or with `batch.pull-ahead: true`); when nothing is eligible the reply says why.",
      whoCanUse:
        "the agent itself (a configured agent, or on its own batch issue); for any agent: write, maintain or admin, and `commanders`",
      examples: ["/batch next", "/batch next @alice"],
    },
    async run(ctx, line) {
      const parsed = parseAssignArgs(line.args);
      if (!parsed.ok) throw new UsageError(parsed.problem);
      const { agents, size, domain, dryRun } = parsed.args;
      if (agents.length > 1 || size !== null || domain !== null || dryRun)
        throw new UsageError("name at most one agent, and nothing else.");
      const meta =
        !ctx.isPullRequest && hasLabel(ctx.issueLabels, ctx.config.labels.batch)
          ? decodeBatchMeta(ctx.issueBody)
          : null;
      const agent = agents[0] ?? meta?.agent ?? ctx.sender;
      const known =
        (meta && sameLogin(meta.agent, agent)) || ctx.config.agents.some((a) => sameLogin(a.login, agent));
      const allowed =
        (sameLogin(ctx.sender, agent) && known) ||
        (await mayCommand(ctx.octokit, ctx.repo, ctx.sender, ctx.config.commanders));
      if (!allowed) return { reaction: "-1" };
      const result = await openNextBatch(deps, ctx, {
        agent,
        sourceCommentId: ctx.commentId,
        issueNumber: ctx.issueNumber,
      });
      ctx.log.info(
        {
          agent,
          opened: result.opened,
          reads: result.reads,
          writes: result.writes,
          failures: result.failures,
        },
        "/batch next",
      );
      return result.why
        ? { reaction: "eyes", reply: `\`/batch next\`: ${result.why}` }
        : { reaction: "eyes" };
    },
  };
}
