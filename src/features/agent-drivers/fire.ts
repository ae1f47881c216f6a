import type { BatchMeta } from "../../domain/batch.js";
import { withBatchMeta } from "../../domain/batch-body.js";
import type { DriveDecision } from "../../domain/drive-decision.js";
import { quietMention } from "../../domain/mention-escape.js";
import { copilotToken } from "../../github/copilot.js";
import { issueBodyMutation } from "../../github/issue-writer.js";
import { recordWrites } from "../../github/mutations.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { driverOf } from "./plan.js";
import { type AgentDriversPort, driversPortOf } from "./port.js";

/** An opened batch issue whose driver was decided; `body` is the body as last written. */
export interface FireTarget {
  id: string;
  number: number;
  body: string;
  meta: BatchMeta;
  decision: DriveDecision | undefined;
}

export interface FireReport extends RequestCount {
  /** Batch issues that got their start signal in this run. */
  fired: number[];
  notes: string[];
  failures: string[];
}

/**
 * Sends the start signals sent by API, after the batch issue is complete (body, batch data, assignments): one
 * Copilot assignment (one read to find Copilot, shared by the run) or one workflow dispatch per batch. The
 * `driven` record was written before; a signal GitHub refused removes it again (one body write), so a redelivery
 * or the command given again retries just that batch. Label and mention drivers fired when the issue was opened.
 */
export async function fireDrives(
  rt: Runtime,
  targets: readonly FireTarget[],
  repositoryId: string,
  port: AgentDriversPort = driversPortOf(rt),
  env: NodeJS.ProcessEnv = process.env,
): Promise<FireReport> {
  const report: FireReport = { reads: 0, writes: 0, fired: [], notes: [], failures: [] };
  const due = targets.filter(
    (t) => t.decision?.drive && (t.decision.kind === "copilot" || t.decision.kind === "dispatch"),
  );
  if (!due.length) return report;
  const signal = startSignal(rt, port, repositoryId, report, env);
  const refused: FireTarget[] = [];
  for (const target of due) {
    try {
      if (await signal(target)) report.fired.push(target.number);
    } catch (error) {
      refused.push(target);
      const message = (error as Error).message;
      report.failures.push(`start #${target.number} for @${target.meta.agent}: ${message}`);
      report.notes.push(
        `The start signal for #${target.number} (${quietMention(target.meta.agent)}) failed: ${message}. Redelivering this command's webhook tries it again.`,
      );
    }
  }
  if (refused.length) {
    const outcome = await port.runMutations(
      refused.map((t) => {
        const { driven: _, ...meta } = t.meta;
        return issueBodyMutation(t.id, withBatchMeta(t.body, meta), `batch #${t.number}: not driven`);
      }),
    );
    recordWrites(report, outcome);
  }
  return report;
}

/**
 * One batch's start signal by its agent's driver (true when sent; false when its driver sends none by API). Copilot
 * is looked up once and the default branch read once per run, shared by its batches.
 */
function startSignal(
  rt: Runtime,
  port: AgentDriversPort,
  repositoryId: string,
  report: RequestCount,
  env: NodeJS.ProcessEnv,
): (target: FireTarget) => Promise<boolean> {
  const token = copilotToken(env);
  const copilot = token ? port.copilot(token) : null;
  let copilotId: Promise<string | null> | null = null;
  let branch: Promise<string> | null = null;
  return async (target) => {
    const driver = driverOf(rt.config, target.meta.agent);
    if (driver && driver !== "none" && "copilot" in driver && copilot) {
      if (!copilotId) {
        report.reads++;
        copilotId = copilot.find();
      }
      const id = await copilotId;
      if (!id)
        throw new Error(
          "Copilot's coding agent is not among this repository's assignable actors (not enabled, or the token's user has no Copilot seat)",
        );
      report.writes++;
      await copilot.assign({ issueId: target.id, copilotId: id, repositoryId, ...driver.copilot });
      return true;
    }
    if (driver && driver !== "none" && "dispatch" in driver) {
      const { workflow, ref } = driver.dispatch;
      if (!ref && !branch) {
        report.reads++;
        branch = port.defaultBranch();
      }
      const at = ref ?? (await branch!);
      report.writes++;
      await port.dispatch(workflow, at, target.number);
      return true;
    }
    return false;
  };
}
