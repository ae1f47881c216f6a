import type { CommandLine } from "../../domain/command-line.js";
import { describeValidators } from "../../domain/quality-gate-report.js";
import { hasLabel } from "../../domain/spec.js";
import { parseStage, stageName, stageVerdict } from "../../domain/stage-commands.js";
import { atLeast, permissionOf } from "../../github/permissions.js";
import type { ProgressPresence } from "../../github/quality-gate-reader.js";
import { canValidate, EventCache } from "../../github/validators.js";
import {
  type CommandContext,
  type CommandDefinition,
  type CommandOutcome,
  UsageError,
} from "../shared/command-registry.js";
import { forceCloseSpec, readSpec, reevaluateSpec } from "./run.js";

function requireSpecIssue(ctx: CommandContext, command: string, onPullRequest: string): void {
  if (ctx.isPullRequest) throw new UsageError(onPullRequest);
  if (!hasLabel(ctx.issueLabels, ctx.config.labels.spec))
    throw new UsageError(
      `#${ctx.issueNumber} is not a SPEC (it has no \`${ctx.config.labels.spec}\` label); use \`/batch ${command}\` on a SPEC issue.`,
    );
}

/** A command's outcome, and what the gate's read counted of batches and dashboards. */
type GateOutcome = CommandOutcome & { progress?: ProgressPresence | null };

/** `/batch approve b1|b2` and `/batch reject b1|b2 <reason>`: a validator's word on a SPEC without a review. */
async function runStageCommand(ctx: CommandContext, line: CommandLine): Promise<GateOutcome> {
  const stage = parseStage(line.args[0]);
  if (!stage) throw new UsageError("name the stage: `b1` or `b2`.");
  if (!stageVerdict(line)) throw new UsageError("say why, so the agent knows what to fix.");
  requireSpecIssue(
    ctx,
    line.name,
    "on a pull request, validate with a review (approve or request changes); this command is for SPEC issues.",
  );
  const cache = new EventCache();
  const snapshot = await readSpec(ctx, ctx.issueNumber);
  const spec = snapshot.specs.get(ctx.issueNumber);
  if (!spec) throw new UsageError(`#${ctx.issueNumber} could not be read.`);
  if (spec.assignees.some((a) => a.toLowerCase() === ctx.sender.toLowerCase()))
    return {
      reaction: "-1",
      reply: `@${ctx.sender} is assigned to #${ctx.issueNumber}, and assignees can't validate their own SPEC.`,
    };
  if (!(await canValidate(ctx.octokit, ctx.repo, ctx.config, stage, { login: ctx.sender }, cache)))
    return {
      reaction: "-1",
      reply: `@${ctx.sender} can't ${line.name} ${stageName(stage)} of #${ctx.issueNumber}. ${describeValidators(ctx.config)}`,
    };
  const report = await reevaluateSpec(ctx, snapshot, spec, cache);
  ctx.log.info(
    { reads: report.reads, writes: report.writes, failures: report.failures },
    `${line.name} ${stage}`,
  );
  return { reaction: "eyes", progress: report.progress };
}

/** `/batch close --force <reason>`: a maintainer closes a SPEC as completed past the gate. */
async function runForceClose(ctx: CommandContext, line: CommandLine): Promise<CommandOutcome> {
  if (line.args[0]?.toLowerCase() !== "--force")
    throw new UsageError(
      "closing through batchbot overrides the quality gate, so it needs `--force` and a reason. To close normally, use GitHub's close button (as not planned if it won't be done).",
    );
  const reason = line.rest.slice(line.args[0].length).trim();
  if (!reason)
    throw new UsageError("give the reason for closing past the quality gate; it is recorded on the SPEC.");
  requireSpecIssue(ctx, "close --force", "`/batch close --force` closes SPEC issues, not pull requests.");
  const permission = await permissionOf(ctx.octokit, ctx.repo, ctx.sender);
  if (!atLeast(permission, "maintain"))
    return {
      reaction: "-1",
      reply: `Only maintainers (admin or maintain permission) can close a SPEC past the quality gate; @${ctx.sender} has ${permission} permission. Ask B1 and B2 to validate it, or close it as not planned if it won't be done.`,
    };
  const report = await forceCloseSpec(ctx, {
    number: ctx.issueNumber,
    issueId: ctx.issueNodeId,
    labels: ctx.issueLabels,
    by: ctx.sender,
    reason,
    commentId: ctx.commentId,
    at: new Date().toISOString(),
  });
  ctx.log.info({ reads: report.reads, writes: report.writes, failures: report.failures }, "close --force");
  if (report.failures.length)
    throw new Error(`force close of #${ctx.issueNumber} failed: ${report.failures.join("; ")}`);
  return { reaction: "eyes" };
}

/** Tells batch progress and the board which SPECs a command changed (batchbot ignores its own events). */
export type SpecsChanged = (
  rt: CommandContext,
  numbers: readonly number[],
  presence?: ProgressPresence | null,
) => Promise<void>;

/** A gate command: run, then (when it acted) batch tasks and the board follow the SPEC. */
function gateCommand(
  help: CommandDefinition["help"],
  run: (ctx: CommandContext, line: CommandLine) => Promise<GateOutcome>,
  specsChanged: SpecsChanged,
): CommandDefinition {
  return {
    help,
    run: async (ctx, line) => {
      const { progress, ...outcome } = await run(ctx, line);
      if (outcome.reaction === "eyes") await specsChanged(ctx, [ctx.issueNumber], progress);
      return outcome;
    },
  };
}

/** `/batch approve|reject b1|b2` and `/batch close --force`. */
export function qualityGateCommands(specsChanged: SpecsChanged): CommandDefinition[] {
  const approve = {
    name: "approve",
    usage: "/batch approve b1|b2",
    description:
      "Validates a SPEC for stage B1 or B2 without a pull request review (e.g. a SPEC found to exist already).",
    whoCanUse: "B1/B2 validators (`validation` in .github/batch.yml), not the SPEC's assignee",
    examples: ["/batch approve b1", "/batch approve b2"],
  };
  const reject = {
    name: "reject",
    usage: "/batch reject b1|b2 <reason>",
    description:
      "Requests changes on a SPEC for stage B1 or B2; a later approve by the same validator lifts it.",
    whoCanUse: "B1/B2 validators, not the SPEC's assignee",
    examples: ["/batch reject b1 the migration is missing"],
  };
  const close = {
    name: "close",
    usage: "/batch close --force <reason>",
    description:
      "Closes a SPEC as completed although B1/B2 haven't validated it; the reason is recorded on the SPEC.",
    whoCanUse: "admin or maintain permission",
    examples: ["/batch close --force shipped in the 2.3 hotfix, validated offline"],
  };
  return [
    gateCommand(approve, runStageCommand, specsChanged),
    gateCommand(reject, runStageCommand, specsChanged),
    gateCommand(close, runForceClose, specsChanged),
  ];
}
