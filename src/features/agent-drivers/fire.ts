import type { BatchMeta } from "../../domain/batch.js";
import { withBatchMeta } from "../../domain/batch-body.js";
import type { DriveDecision } from "../../domain/drive-decision.js";
import { quietMention } from "../../domain/mention-escape.js";
import { assignCopilot, copilotClient, copilotToken, findCopilot } from "../../github/copilot.js";
import { issueBodyMutation } from "../../github/issue-writer.js";
import { recordWrites, runMutations } from "../../github/mutations.js";
import { defaultBranch, dispatchWorkflow } from "../../github/workflow-dispatch.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { driverOf } from "./plan.js";

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
  env: NodeJS.ProcessEnv = process.env,
): Promise<FireReport> {
  const report: FireReport = { reads: 0, writes: 0, fired: [], notes: [], failures: [] };
  const due = targets.filter(
    (t) => t.decision?.drive && (t.decision.kind === "copilot" || t.decision.kind === "dispatch"),
  );
  if (!due.length) return report;
  const token = copilotToken(env);
  const client = token ? copilotClient(rt.octokit, token) : null;
  let copilot: Promise<string | null> | null = null;
  let branch: Promise<string> | null = null;
  const refused: FireTarget[] = [];
  for (const target of due) {
    const driver = driverOf(rt.config, target.meta.agent);
    try {
      if (driver && driver !== "none" && "copilot" in driver && client) {
        if (!copilot) {
          report.reads++;
          copilot = findCopilot(client, rt.repo);
        }
        const copilotId = await copilot;
        if (!copilotId)
          throw new Error(
            "Copilot's coding agent is not among this repository's assignable actors (not enabled, or the token's user has no Copilot seat)",
          );
        report.writes++;
        await assignCopilot(client, {
          issueId: target.id,
          copilotId,
          repositoryId,
          ...driver.copilot,
        });
      } else if (driver && driver !== "none" && "dispatch" in driver) {
        const { workflow, ref } = driver.dispatch;
        if (!ref && !branch) {
          report.reads++;
          branch = defaultBranch(rt.octokit, rt.repo);
        }
        const at = ref ?? (await branch!);
        report.writes++;
        await dispatchWorkflow(rt.octokit, rt.repo, workflow, at, target.number);
      } else continue;
      report.fired.push(target.number);
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
    const outcome = await runMutations(
      rt.octokit,
      refused.map((t) => {
        const { driven: _, ...meta } = t.meta;
        return issueBodyMutation(t.id, withBatchMeta(t.body, meta), `batch #${t.number}: not driven`);
      }),
    );
    recordWrites(report, outcome);
  }
  return report;
}
