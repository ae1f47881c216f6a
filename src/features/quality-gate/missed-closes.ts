import { sameLogin } from "../../domain/login.js";
import { gateRules } from "../../domain/quality-gate.js";
import { hasLabel, type IssueRecord } from "../../domain/spec.js";
import type { RegistrySnapshot } from "../../github/registry-reader.js";
import { EventCache } from "../../github/validators.js";
import { readinessLabelNames } from "../dependencies/registry.js";
import type { Runtime } from "../shared/runtime.js";
import { addReport, decideClose, emptyReport, type GateReport, portOf, type QualityGatePort } from "./run.js";

/** How far back the sweep looks for a close the gate never judged. */
export const MISSED_CLOSE_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Closes the quality gate may never have judged, from the registry alone (no request): SPECs closed as completed
 * in the last `MISSED_CLOSE_LOOKBACK_MS`, not labelled validated, that still carry a readiness label. batchbot takes
 * the readiness labels off a SPEC whenever it handles its close (and on installation, off every closed SPEC), so
 * one that still has its label is a close whose delivery never arrived. SPECs closed before batchbot, as not
 * planned, force-closed or passed by the gate never match.
 */
export function missedCloses(rt: Runtime, issues: readonly IssueRecord[], now: number): number[] {
  const readiness = readinessLabelNames(rt.config);
  return issues
    .filter(
      (i) =>
        i.state === "CLOSED" &&
        i.stateReason !== "NOT_PLANNED" &&
        i.stateReason !== "DUPLICATE" &&
        hasLabel(i.labels, rt.config.labels.spec) &&
        !hasLabel(i.labels, rt.config.labels.validated) &&
        readiness.some((name) => hasLabel(i.labels, name)) &&
        !!i.closedAt &&
        now - Date.parse(i.closedAt) <= MISSED_CLOSE_LOOKBACK_MS,
    )
    .map((i) => i.number);
}

export interface MissedClosesReport extends GateReport {
  /** SPECs reopened: their close, had it been delivered, would have been undone. */
  reopened: number[];
  /** SPECs whose close is not allowed but whose reopen GitHub refused: judged again by the next sweep. */
  unsettled: number[];
}

/**
 * What the close guard (`closeGuard` → `decideClose`) would have done on each missed close: reopen with the sticky
 * note when the SPEC has not passed, label it validated when it has. Closes batchbot made itself (a forced close)
 * are never judged, as on events. One gate read (a request per 20 SPECs).
 */
export async function guardMissedCloses(
  rt: Runtime,
  numbers: readonly number[],
  port: QualityGatePort = portOf(rt),
): Promise<MissedClosesReport> {
  const total: MissedClosesReport = { ...emptyReport(), reopened: [], unsettled: [] };
  const cache = new EventCache();
  if (numbers.length === 0) return total;
  const snapshot = await port.readSpecs(numbers, gateRules(rt.config).e2eCheck);
  total.reads += snapshot.requests;
  for (const number of numbers) {
    const spec = snapshot.specs.get(number);
    if (spec?.state !== "CLOSED" || !spec.closedBy || sameLogin(spec.closedBy, rt.botLogin)) continue;
    const { allowed, report } = await decideClose(rt, snapshot, number, spec.closedBy, cache, port);
    addReport(total, report);
    if (!allowed) (report.failures.length ? total.unsettled : total.reopened).push(number);
  }
  return total;
}

/**
 * The registry after the guard: the reopened SPECs open, with the gate labels it wrote, as a fresh read would be;
 * the unsettled ones handed on as open too, so the steps after leave them (and their readiness label) as they are.
 */
export function afterGuard(registry: RegistrySnapshot, report: MissedClosesReport): RegistrySnapshot {
  const reopened = new Set([...report.reopened, ...report.unsettled]);
  const issues = registry.issues.map((issue) => {
    let labels = issue.labels;
    for (const { number, change } of report.labelChanges)
      if (number === issue.number)
        labels = [...labels.filter((l) => !change.remove.includes(l)), ...change.add];
    if (!reopened.has(issue.number)) return labels === issue.labels ? issue : { ...issue, labels };
    return { ...issue, labels, state: "OPEN" as const, stateReason: "REOPENED" as const, closedAt: null };
  });
  return { ...registry, issues };
}
