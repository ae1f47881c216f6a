import { renderLeftovers } from "../../domain/assignment-report.js";
import { batchId } from "../../domain/batch-message.js";
import { TEMPLATE_PATH } from "../../domain/batch-template.js";
import { formatConfigProblems } from "../../domain/config.js";
import { sameLogin } from "../../domain/login.js";
import { quietMention } from "../../domain/mention-escape.js";
import { planOptions } from "../../domain/planner.js";
import { planningLockKey } from "../../infra/lock.js";
import type { AppDeps } from "../shared/deps.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { runAssignment } from "./assign.js";
import { finishBatches } from "./finish-batches.js";
import { type AssignmentPort, assignmentPortOf } from "./port.js";

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
export async function openNextBatch(
  deps: AppDeps,
  rt: Runtime,
  request: NextRequest,
  port: AssignmentPort = assignmentPortOf(rt),
): Promise<NextResult> {
  const outcome = await deps.lock.run(planningLockKey(rt.repo), async (fence): Promise<NextResult> => {
    const result: NextResult = { reads: 0, writes: 0, opened: [], why: null, failures: [] };
    const agent = rt.config.agents.find((a) => sameLogin(a.login, request.agent));
    const login = agent?.login ?? request.agent;
    const read = await port.readBatches(rt.config.labels.batch);
    result.reads += read.requests;
    const own = batchId(request.sourceCommentId, login);
    // A redelivery: this request opened its batch already (the assignment below finishes what it lacks).
    const redelivered = read.batches.some((b) => b.meta.id === own);
    if (!rt.config.batch["pull-ahead"] && !redelivered) {
      const open = read.batches.filter((b) => b.state === "OPEN" && sameLogin(b.meta.agent, login));
      if (open.length) {
        // Given again after a half-failed `/batch next`: the open batch gets what it lacks before the refusal.
        await finishBatches(rt, open, read.batches, fence, result, port);
        result.why = `${quietMention(login)} still has ${open.map((b) => `#${b.number}`).join(", ")} open: finish it (\`/batch done\`) or return what is left (\`/batch release\`) first. With \`batch.pull-ahead: true\` in \`.github/batch.yml\` an agent may pull its next batch before.`;
        return result;
      }
    }
    const template = await port.readTemplate();
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
      port,
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
    await deps.follow.progressChanged(rt);
  return outcome;
}

/**
 * `batch.auto-next`: a completed batch opens its agent's next one (after the batch lock is released), as
 * `-<batch number>:<agent>`, so a redelivered completion finds it instead of opening another.
 */
export function autoNext(deps: AppDeps, portOf: (rt: Runtime) => AssignmentPort = assignmentPortOf) {
  return async (rt: Runtime, completed: ReadonlyArray<{ number: number; agent: string }>): Promise<void> => {
    for (const batch of completed) {
      const { agent } = batch;
      rt.log.info({ batch: batch.number, agent }, "batch completed and closed");
      if (!rt.config.batch["auto-next"]) continue;
      const next = await openNextBatch(
        deps,
        rt,
        { agent, sourceCommentId: -batch.number, issueNumber: batch.number },
        portOf(rt),
      );
      rt.log.info(
        { agent, opened: next.opened, why: next.why, reads: next.reads, writes: next.writes },
        "auto-next",
      );
    }
  };
}
