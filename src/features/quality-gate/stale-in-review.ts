import { gateRules } from "../../domain/quality-gate.js";
import { hasLabel, type IssueRecord } from "../../domain/spec.js";
import type { SpecView } from "../../github/quality-gate-reader.js";
import { EventCache } from "../../github/validators.js";
import type { Runtime } from "../shared/runtime.js";
import {
  addReport,
  emptyReport,
  evaluateSpecs,
  type GateReport,
  portOf,
  type QualityGatePort,
} from "./run.js";

/**
 * Open SPECs labelled in review that none of the open pull requests just evaluated closes (`covered`): from the
 * registry alone, no request. Usually none; a SPEC a person labelled by hand stays one.
 */
export function inReviewCandidates(
  rt: Runtime,
  issues: readonly IssueRecord[],
  covered: ReadonlySet<number>,
): number[] {
  return issues
    .filter(
      (i) =>
        i.state === "OPEN" &&
        hasLabel(i.labels, rt.config.labels.spec) &&
        hasLabel(i.labels, rt.config.labels["in-review"]) &&
        !covered.has(i.number),
    )
    .map((i) => i.number);
}

/** Whether a pull request of this repository ever referenced the SPEC: then the gate owns its in-review label. */
function gateOwned(spec: SpecView): boolean {
  return spec.pullRequests.length > 0 || spec.mentionedBy.length > 0;
}

export interface InReviewRepair {
  report: GateReport;
  /** Open pull requests that mentioned a repaired SPEC, whose check run the caller re-evaluates. */
  pullRequests: Array<{ number: number; body: string }>;
}

/**
 * Re-derives the gate labels of `numbers` (`inReviewCandidates`) from what is true, as the gate does on a pull
 * request's event: one gate read (a request per 20 SPECs), then label writes only where they differ. A SPEC no pull request ever
 * referenced keeps its label (a person set it). The open pull requests that mentioned a repaired SPEC (one edited
 * so it no longer closes it) are returned, so their check runs drop the SPEC's row too.
 */
export async function repairInReview(
  rt: Runtime,
  numbers: readonly number[],
  port: QualityGatePort = portOf(rt),
): Promise<InReviewRepair> {
  const total = emptyReport();
  if (numbers.length === 0) return { report: total, pullRequests: [] };
  const snapshot = await port.readSpecs(numbers, gateRules(rt.config).e2eCheck);
  total.reads += snapshot.requests;
  const owned = [...snapshot.specs.values()].filter((s) => s.state === "OPEN" && gateOwned(s));
  if (owned.length === 0) return { report: total, pullRequests: [] };
  const report = await evaluateSpecs(rt, snapshot, owned, new EventCache(), port);
  addReport(total, report);
  const pullRequests = new Map<number, string>();
  for (const spec of owned.filter((s) => report.labelChanges.some((c) => c.number === s.number)))
    for (const pr of spec.mentionedBy)
      if (pr.gate.state === "OPEN") pullRequests.set(pr.gate.number, pr.body);
  return { report: total, pullRequests: [...pullRequests].map(([number, body]) => ({ number, body })) };
}
