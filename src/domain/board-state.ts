import type { BatchIssue } from "./batch.js";
import type { BatchConfig } from "./config.js";
import { hasLabel, type Spec } from "./spec.js";

/**
 * The Status options batchbot writes, in the order a SPEC moves through them. One status per SPEC, the first that
 * applies in this priority: Done (closed as completed) > Validated > Changes requested > In review (the quality
 * gate's labels, latest stage first) > In batch (in an open batch issue) > Blocked > Ready (the readiness labels).
 * A SPEC closed as not planned or as a duplicate gets no status: batchbot leaves its Status alone.
 */
export const BOARD_STATUSES = [
  "Blocked",
  "Ready",
  "In batch",
  "In review",
  "Changes requested",
  "Validated",
  "Done",
] as const;
export type BoardStatus = (typeof BOARD_STATUSES)[number];
export type OpenStatus = Exclude<BoardStatus, "Done">;

/** The project fields batchbot keeps, by key, as they are named on the board. */
export const BOARD_FIELDS = { status: "Status", agent: "Agent", batch: "Batch", domain: "Domain" } as const;
export type BoardFieldKey = keyof typeof BOARD_FIELDS;
export const BOARD_FIELD_KEYS = Object.keys(BOARD_FIELDS) as BoardFieldKey[];

export interface BoardValues {
  /** `null`: batchbot doesn't manage this item's Status. */
  status: BoardStatus | null;
  agent: string;
  batch: string;
  domain: string;
}

/** What one SPEC or batch issue should show on the board. */
export interface BoardRow {
  contentId: string;
  number: number;
  kind: "spec" | "batch";
  values: BoardValues;
}

export function isCompleted(spec: Pick<Spec, "state" | "stateReason">): boolean {
  return spec.state === "CLOSED" && spec.stateReason !== "NOT_PLANNED" && spec.stateReason !== "DUPLICATE";
}

export function isOpenBatch(batch: BatchIssue): boolean {
  return batch.state === "OPEN";
}

/** Batches by creation, oldest first (the issue number breaks ties). */
export function byCreation(a: BatchIssue, b: BatchIssue): number {
  const at = Date.parse(a.meta.createdAt) - Date.parse(b.meta.createdAt);
  return at || a.number - b.number;
}

/** The batches each SPEC number belongs to, oldest first. */
export function batchesBySpec(batches: readonly BatchIssue[]): Map<number, BatchIssue[]> {
  const index = new Map<number, BatchIssue[]>();
  for (const batch of [...batches].sort(byCreation)) {
    for (const number of new Set(batch.meta.specs)) {
      const list = index.get(number) ?? [];
      list.push(batch);
      index.set(number, list);
    }
  }
  return index;
}

export function specStatus(spec: Spec, inOpenBatch: boolean, config: BatchConfig): BoardStatus | null {
  const { labels } = config;
  if (spec.state === "CLOSED") return isCompleted(spec) ? "Done" : null;
  if (hasLabel(spec.labels, labels.validated)) return "Validated";
  if (hasLabel(spec.labels, labels["changes-requested"])) return "Changes requested";
  if (hasLabel(spec.labels, labels["in-review"])) return "In review";
  if (inOpenBatch) return "In batch";
  if (hasLabel(spec.labels, labels.blocked)) return "Blocked";
  return "Ready";
}

/** A batch issue: Done when closed, Blocked while a reported blocker is not cleared, else In batch. */
export function batchStatus(batch: BatchIssue): BoardStatus {
  if (batch.state === "CLOSED") return "Done";
  if ((batch.meta.blockers ?? []).some((b) => !b.clearedAt)) return "Blocked";
  return "In batch";
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function batchRefs(batches: readonly BatchIssue[]): string {
  return batches.map((b) => `#${b.number}`).join(", ");
}

/**
 * The agent and batch a SPEC shows: its open batches (several with overlap); else the last batch it was in; the
 * SPEC's assignees when it was never in a batch.
 */
function specAssignment(spec: Spec, batches: readonly BatchIssue[]): { agent: string; batch: string } {
  const open = batches.filter(isOpenBatch);
  const shown = open.length ? open : batches.slice(-1);
  if (shown.length)
    return { agent: unique(shown.map((b) => b.meta.agent)).join(", "), batch: batchRefs(shown) };
  return { agent: [...spec.assignees].sort().join(", "), batch: "" };
}

/** The desired board row of every SPEC and every batch issue. */
export function boardRows(
  specs: readonly Spec[],
  batches: readonly BatchIssue[],
  config: BatchConfig,
): BoardRow[] {
  const index = batchesBySpec(batches);
  const domains = new Map(specs.map((s) => [s.number, s.domains]));
  const rows: BoardRow[] = [];
  for (const spec of [...specs].sort((a, b) => a.number - b.number)) {
    const mine = index.get(spec.number) ?? [];
    rows.push({
      contentId: spec.id,
      number: spec.number,
      kind: "spec",
      values: {
        status: specStatus(spec, mine.some(isOpenBatch), config),
        ...specAssignment(spec, mine),
        domain: spec.domains.join(", "),
      },
    });
  }
  for (const batch of [...batches].sort((a, b) => a.number - b.number)) {
    const batchDomains = unique(batch.meta.specs.flatMap((n) => domains.get(n) ?? [])).sort();
    rows.push({
      contentId: batch.id,
      number: batch.number,
      kind: "batch",
      values: {
        status: batchStatus(batch),
        agent: batch.meta.agent,
        batch: `#${batch.number}`,
        domain: batchDomains.join(", "),
      },
    });
  }
  return rows;
}
