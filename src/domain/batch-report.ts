import type { BatchBlocker, BatchMeta } from "./batch.js";
import type { BatchConfig } from "./config.js";
import { dependencyStatus } from "./readiness.js";
import { hasLabel, type IssueRecord } from "./spec.js";

/** What the report needs of a SPEC: its state and labels as GitHub has them now. */
export type SpecSnapshot = Pick<IssueRecord, "number" | "title" | "state" | "stateReason" | "labels">;

export type SpecProgress =
  /** Closed as completed with the `validated` label: done. */
  | "validated"
  /** Closed as not planned or as a duplicate: nothing left to do or to validate. */
  | "dropped"
  /** Closed as completed without the `validated` label. */
  | "merged"
  /** Open with B1 and B2 passed: waiting to be merged and closed. */
  | "approved"
  | "changes-requested"
  | "in-review"
  /** Reported with `/batch found-existing`: waiting for B1/B2 approvals by command. */
  | "found-existing"
  | "open"
  /** Not readable any more (deleted or transferred). */
  | "missing";

export const PROGRESS_TEXT: Record<SpecProgress, string> = {
  validated: "validated",
  dropped: "closed as not planned",
  merged: "merged, awaiting validation",
  approved: "validated, waiting to close",
  "changes-requested": "changes requested",
  "in-review": "in review",
  "found-existing": "found existing, waiting for B1/B2",
  open: "open",
  missing: "not readable: deleted or transferred?",
};

const PROGRESS_ICON: Record<SpecProgress, string> = {
  validated: "✅",
  dropped: "➖",
  merged: "🟡",
  approved: "🟢",
  "changes-requested": "🔴",
  "in-review": "🔵",
  "found-existing": "♻️",
  open: "⬜",
  missing: "❔",
};

/** A SPEC needs nothing more once it is validated, or closed as not planned. */
export function isSettled(progress: SpecProgress): boolean {
  return progress === "validated" || progress === "dropped";
}

export function specProgress(
  spec: SpecSnapshot | undefined,
  meta: Pick<BatchMeta, "foundExisting">,
  labels: BatchConfig["labels"],
): SpecProgress {
  if (!spec) return "missing";
  const validated = hasLabel(spec.labels, labels.validated);
  if (spec.state === "CLOSED") {
    if (dependencyStatus(spec).kind !== "completed") return "dropped";
    return validated ? "validated" : "merged";
  }
  if (validated) return "approved";
  if (hasLabel(spec.labels, labels["changes-requested"])) return "changes-requested";
  if (hasLabel(spec.labels, labels["in-review"])) return "in-review";
  if (
    hasLabel(spec.labels, labels["found-existing"]) ||
    meta.foundExisting?.some((f) => f.spec === spec.number)
  )
    return "found-existing";
  return "open";
}

export interface BatchProgress {
  specs: Array<{ number: number; title: string | null; progress: SpecProgress }>;
  validated: number;
  settled: number;
  /** Every SPEC validated or closed as not planned (and at least one SPEC). */
  complete: boolean;
  activeBlockers: BatchBlocker[];
  blockerCount: number;
  reuse: number;
  /** Validated SPECs that went through a pull request (whose E2E check the quality gate required), when configured. */
  e2e: { check: string; validated: number } | null;
  messages: number;
}

export function batchProgress(
  meta: BatchMeta,
  specs: ReadonlyMap<number, SpecSnapshot>,
  config: BatchConfig,
): BatchProgress {
  const rows = meta.specs.map((number) => {
    const spec = specs.get(number);
    return { number, title: spec?.title ?? null, progress: specProgress(spec, meta, config.labels) };
  });
  const found = new Set((meta.foundExisting ?? []).map((f) => f.spec));
  const validated = rows.filter((r) => r.progress === "validated");
  const settled = rows.filter((r) => isSettled(r.progress)).length;
  const blockers = meta.blockers ?? [];
  const check = config.validation?.["e2e-check"] ?? null;
  return {
    specs: rows,
    validated: validated.length,
    settled,
    complete: rows.length > 0 && settled === rows.length,
    activeBlockers: blockers.filter((b) => !b.clearedAt),
    blockerCount: blockers.length,
    reuse: meta.specs.filter((n) => found.has(n)).length,
    e2e: check ? { check, validated: validated.filter((r) => !found.has(r.number)).length } : null,
    messages: messageTotal(meta),
  };
}

/** Assignment (1) + counted comments + the completion report once written. */
export function messageTotal(meta: Pick<BatchMeta, "messages" | "completedAt">): number {
  return 1 + (meta.messages?.counted.length ?? 0) + (meta.completedAt ? 1 : 0);
}

export interface ReportText {
  /** Escapes user text (blocker reasons, where something was found) so it mentions nobody. */
  quote: (text: string) => string;
  /** A login, named without notifying them. */
  name: (login: string) => string;
}

/** The report section of a batch issue: a live progress report, the completion report once complete. */
export function renderBatchReport(meta: BatchMeta, progress: BatchProgress, text: ReportText): string {
  const total = progress.specs.length;
  const lines: string[] = [];
  if (meta.completedAt) {
    lines.push("## ✅ Completion report", "");
    lines.push(
      `**Complete:** ${progress.validated} of ${total} SPECs validated${progress.settled > progress.validated ? `, ${progress.settled - progress.validated} closed as not planned` : ""}, in ${duration(meta.createdAt, meta.completedAt)}.`,
    );
  } else {
    lines.push("## 📊 Batch report", "");
    const state = progress.activeBlockers.length ? "**Blocked:**" : "**In progress:**";
    lines.push(`${state} ${progress.validated} of ${total} SPECs validated.`);
  }
  lines.push("", "| SPEC | state |", "| --- | --- |");
  for (const row of progress.specs)
    lines.push(`| #${row.number} | ${PROGRESS_ICON[row.progress]} ${PROGRESS_TEXT[row.progress]} |`);
  lines.push("");

  const blockers = meta.blockers ?? [];
  if (blockers.length === 0) lines.push("- **Blockers:** none");
  else {
    const active = progress.activeBlockers.length;
    lines.push(`- **Blockers:** ${blockers.length} reported, ${active ? `${active} active` : "none active"}`);
    for (const b of blockers)
      lines.push(
        `  - ${b.clearedAt ? "~~" : ""}${stamp(b.at)} by ${text.name(b.by)}: ${text.quote(b.reason)}${b.clearedAt ? `~~ (cleared ${stamp(b.clearedAt)})` : ""}`,
      );
  }
  const found = (meta.foundExisting ?? []).filter((f) => meta.specs.includes(f.spec));
  lines.push(
    `- **Reuse:** ${progress.reuse} of ${total} SPECs found existing (${percent(progress.reuse, total)})${found.length ? `: ${found.map((f) => `#${f.spec}${f.where ? ` in ${text.quote(f.where)}` : ""}`).join("; ")}` : ""}`,
  );
  lines.push(
    progress.e2e
      ? `- **E2E:** \`${progress.e2e.check}\` passed for ${progress.e2e.validated} of ${total} SPECs (found-existing SPECs are validated by command)`
      : "- **E2E:** no check required (`validation.e2e-check` is not set)",
  );
  lines.push(
    `- **Messages:** ${progress.messages} for ${total} SPECs (one SPEC at a time takes ${3 * total}–${4 * total})`,
  );
  if (!meta.completedAt) {
    const missing = progress.specs.filter((r) => !isSettled(r.progress));
    if (missing.length)
      lines.push(
        "",
        `**Missing for completion:** ${missing.map((r) => `#${r.number} (${PROGRESS_TEXT[r.progress]})`).join(", ")}.`,
      );
  }
  return lines.join("\n");
}

function stamp(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((part / whole) * 100)}%` : "0%";
}

/** `3 d 4 h`, `5 h 20 min`, `12 min`. */
export function duration(from: string, to: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${mins} min`;
  return `${mins} min`;
}
