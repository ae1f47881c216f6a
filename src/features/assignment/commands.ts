import { parseAssignArgs, resolveAgents } from "../../domain/assign-args.js";
import { decodeBatchMeta } from "../../domain/batch.js";
import { TEMPLATE_PATH } from "../../domain/batch-template.js";
import type { CommandHelp } from "../../domain/command-help.js";
import { formatConfigProblems } from "../../domain/config.js";
import { sameLogin } from "../../domain/login.js";
import { planOptions } from "../../domain/planner.js";
import { hasLabel } from "../../domain/spec.js";
import { mayCommand } from "../../github/permissions.js";
import { react } from "../../github/reactions.js";
import { loadBatchTemplate } from "../../github/template-reader.js";
import { planningLockKey } from "../../infra/lock.js";
import { type CommandDefinition, UsageError } from "../shared/command-registry.js";
import type { AppDeps } from "../shared/deps.js";
import { type AssignmentRequest, runAssignment } from "./assign.js";
import { openNextBatch } from "./next.js";
import { assignOrFinishEarlier } from "./resume.js";

const WHO = "write, maintain or admin on the repository, and `commanders`";

export const ASSIGN_HELP: CommandHelp = {
  name: "assign",
  usage: "/batch assign [@agent ...] [--size N] [--domain D] [--dry-run]",
  description:
    "Plans one batch per agent from the unassigned SPECs (priority fixes first, dependencies in order) and opens a batch issue for each agent. Agents default to `agents` in `.github/batch.yml`.",
  whoCanUse: WHO,
  examples: ["/batch assign", "/batch assign @alice @bob --size 8", "/batch assign --domain ui --dry-run"],
};

export const PLAN_HELP: CommandHelp = {
  name: "plan",
  usage: "/batch plan [@agent ...] [--size N] [--domain D]",
  description: "Previews `/batch assign` in a reply, with every batch message, and writes nothing else.",
  whoCanUse: WHO,
  examples: ["/batch plan", "/batch plan @alice --domain database"],
};

/** `/batch assign` and `/batch plan`. */
export function assignmentCommands(deps: AppDeps): CommandDefinition[] {
  return [assignCommand(deps, ASSIGN_HELP, false), assignCommand(deps, PLAN_HELP, true)];
}

function assignCommand(deps: AppDeps, help: CommandHelp, preview: boolean): CommandDefinition {
  return {
    help,
    async run(ctx, line) {
      if (!(await mayCommand(ctx.octokit, ctx.repo, ctx.sender, ctx.config.commanders)))
        return { reaction: "-1" };
      const parsed = parseAssignArgs(line.args, preview);
      if (!parsed.ok) throw new UsageError(parsed.problem);
      const { args } = parsed;
      const agents = resolveAgents(args, ctx.config);
      if (!agents.length)
        return {
          reply: args.domain
            ? `No configured agent takes \`${args.domain}\`: name the agents (\`/batch assign @alice --domain ${args.domain}\`) or give one that domain in \`.github/batch.yml\`.`
            : "No agents to plan for: name them (`/batch assign @alice @bob`) or list them under `agents:` in `.github/batch.yml`.",
        };
      const template = await loadBatchTemplate(ctx.octokit, ctx.repo);
      if (!template.ok) return { reply: formatConfigProblems(template.problems, TEMPLATE_PATH) };
      if (!args.dryRun) await react(ctx.octokit, ctx.repo, ctx.commentId, "eyes");
      const request: AssignmentRequest = {
        agents,
        options: planOptions(ctx.config.batch, { size: args.size, domain: args.domain }),
        template: template.template,
        sourceCommentId: ctx.commentId,
        issueNumber: ctx.issueNumber,
        dryRun: args.dryRun,
      };
      const result = args.dryRun
        ? await runAssignment(ctx, request, null)
        : await deps.lock.run(planningLockKey(ctx.repo), (fence) =>
            assignOrFinishEarlier(ctx, request, fence),
          );
      ctx.log.info(
        { reads: result.reads, writes: result.writes, opened: result.opened, failures: result.failures },
        `/batch ${line.name}`,
      );
      // The batch issues and assignments just written: board items and the dashboard follow in one pass.
      if (result.opened.length) await deps.follow.progressChanged(ctx);
      return { reply: result.reply, revise: result.writes > 0 };
    },
  };
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
