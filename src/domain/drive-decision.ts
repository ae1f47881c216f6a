import { type AgentDriver, type DriverKind, driverKind } from "./agent-driver.js";
import type { BatchIssue, BatchMeta } from "./batch.js";

/** Why a batch gets no start signal from its agent's driver. */
export type NoDrive =
  /** The agent has no driver (`none`). */
  | "undriven"
  /** The batch was driven before (a redelivery, `/batch sync`, the command given again). */
  | "driven"
  /** `batch-paused` on the batch issue or the dashboard issue. */
  | "paused"
  /** `batch.max-driven-per-day` batches of this agent were driven in the last 24 hours. */
  | "cap"
  /** A SPEC of the batch was written or edited by someone without write access: its body would become a prompt. */
  | "untrusted"
  /** Copilot's driver without BATCHBOT_COPILOT_TOKEN. */
  | "no-token";

export type DriveDecision =
  | { drive: true; kind: Exclude<DriverKind, "none"> }
  | { drive: false; why: NoDrive };

export interface DriveFacts {
  driver: AgentDriver | undefined;
  meta: Pick<BatchMeta, "driven">;
  paused: boolean;
  /** Every SPEC of the batch was written (and last edited) by a collaborator with write access. */
  trusted: boolean;
  /** Batches of the agent driven in the last 24 hours, and the cap. */
  drivenToday: number;
  cap: number;
  copilotToken: boolean;
}

/** Whether a batch's driver fires, and if not why; the guards in order of what the reader should fix first. */
export function decideDrive(facts: DriveFacts): DriveDecision {
  const kind = driverKind(facts.driver);
  if (kind === "none") return { drive: false, why: "undriven" };
  if (facts.meta.driven) return { drive: false, why: "driven" };
  if (facts.paused) return { drive: false, why: "paused" };
  if (kind === "copilot" && !facts.copilotToken) return { drive: false, why: "no-token" };
  if (!facts.trusted) return { drive: false, why: "untrusted" };
  if (facts.drivenToday >= facts.cap) return { drive: false, why: "cap" };
  return { drive: true, kind };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** How many of the agent's batches were driven in the 24 hours before `now`. */
export function drivenInLastDay(
  batches: readonly Pick<BatchIssue, "meta">[],
  agent: string,
  now: string,
): number {
  const until = Date.parse(now);
  const lower = agent.toLowerCase();
  return batches.filter((b) => {
    if (b.meta.agent.toLowerCase() !== lower || !b.meta.driven) return false;
    const at = Date.parse(b.meta.driven.at);
    return at <= until && until - at < DAY_MS;
  }).length;
}

/** One line for the reply about a batch its driver didn't start, or null when there's nothing to say. */
export function noDriveNote(why: NoDrive, batch: string, agent: string): string | null {
  switch (why) {
    case "undriven":
    case "driven":
      return null;
    case "paused":
      return `${batch} was not started for ${agent}: \`batch-paused\` is set (on the batch or the dashboard issue).`;
    case "cap":
      return `${batch} was not started for ${agent}: \`batch.max-driven-per-day\` batches were started for them in the last 24 hours.`;
    case "untrusted":
      return `${batch} was not started for ${agent}: a SPEC in it was written or edited by someone without write access, and SPEC bodies become the agent's prompt.`;
    case "no-token":
      return `${batch} was not started for ${agent}: Copilot needs a user token in \`BATCHBOT_COPILOT_TOKEN\` (installation tokens are refused).`;
  }
}
