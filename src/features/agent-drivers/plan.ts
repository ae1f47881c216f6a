import { type AgentDriver, driverKind } from "../../domain/agent-driver.js";
import type { BatchIssue, BatchMeta } from "../../domain/batch.js";
import type { BatchConfig } from "../../domain/config.js";
import { type DriveDecision, decideDrive, drivenInLastDay } from "../../domain/drive-decision.js";
import { copilotToken } from "../../github/copilot.js";
import type { Runtime } from "../shared/runtime.js";
import type { AgentDriversPort } from "./port.js";

/** A batch a driver may start: about to be opened (`number` null) or opened by an earlier delivery. */
export interface DriveCandidate {
  meta: BatchMeta;
  number: number | null;
  /** Node ids of the batch's SPECs, whose authors the guard checks. */
  specIds: readonly string[];
}

export interface DrivePlan {
  /** By batch id (`meta.id`). */
  decisions: Map<string, DriveDecision>;
  reads: number;
}

export function driverOf(config: BatchConfig, agent: string): AgentDriver | undefined {
  return config.agents.find((a) => a.login.toLowerCase() === agent.toLowerCase())?.driver;
}

/**
 * Decides, for each batch, whether its agent's driver fires: never twice, not while paused, not past the daily cap,
 * only for SPECs written by collaborators with write access, and for Copilot only with its user token. Reads
 * nothing when no candidate's agent has a driver; otherwise one GraphQL read plus one permission read per writer.
 */
export async function planDrives(
  rt: Runtime,
  port: Pick<AgentDriversPort, "readGuards">,
  input: { candidates: readonly DriveCandidate[]; batches: readonly BatchIssue[]; now: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DrivePlan> {
  const { candidates, batches, now } = input;
  const plan: DrivePlan = { decisions: new Map(), reads: 0 };
  const open = candidates.filter(
    (c) => driverKind(driverOf(rt.config, c.meta.agent)) !== "none" && !c.meta.driven,
  );
  const guards = open.length
    ? await port.readGuards(
        open.flatMap((c) => c.specIds),
        rt.config.labels.dashboard,
      )
    : null;
  plan.reads += guards?.requests ?? 0;
  const counted: Array<Pick<BatchIssue, "meta">> = [...batches];
  for (const candidate of candidates) {
    const decision = decideDrive({
      driver: driverOf(rt.config, candidate.meta.agent),
      meta: candidate.meta,
      paused:
        !!guards &&
        (guards.dashboardPaused || (candidate.number !== null && guards.pausedIssues.has(candidate.number))),
      trusted: !!guards && candidate.specIds.every((id) => guards.trustedSpecs.has(id)),
      drivenToday: drivenInLastDay(counted, candidate.meta.agent, now),
      cap: rt.config.batch["max-driven-per-day"],
      copilotToken: copilotToken(env) !== null,
    });
    plan.decisions.set(candidate.meta.id, decision);
    // Drives decided in this run count toward the cap of the next batch of the same agent.
    if (decision.drive)
      counted.push({ meta: { ...candidate.meta, driven: { driver: decision.kind, at: now } } });
  }
  return plan;
}
