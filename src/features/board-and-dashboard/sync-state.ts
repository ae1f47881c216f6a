import type { RepositorySync } from "../../jobs/reconcile.js";
import { type SyncReport, syncRepository } from "../dependencies/run.js";
import type { Runtime } from "../shared/runtime.js";
import { type ProgressReport, refreshProgress } from "./run.js";

/** One more part of the sync (open batch issues' task lists and reports): a line of the reply and its repairs. */
export interface SyncOutcome {
  line: string;
  failures: readonly string[];
  /** What it repaired, by kind (`batch_issues`). */
  repairs: Readonly<Record<string, number>>;
  /** Batch issues it found, open or closed (the dashboard opens with the first one). */
  batches?: number;
}

export type SyncStep = (rt: Runtime) => Promise<SyncOutcome>;

export interface SyncState extends RepositorySync {
  labels: SyncReport;
  steps: SyncOutcome[];
  progress: Pick<ProgressReport, "reads" | "writes" | "board" | "dashboard" | "failures">;
}

/**
 * The one sync entry, as `/batch sync` and the reconcile sweep run it: readiness labels and sticky explanations,
 * then the extra steps (open batch issues), then the board and the dashboard. Each part writes only drift.
 */
export async function syncRepositoryState(rt: Runtime, steps: readonly SyncStep[]): Promise<SyncState> {
  const labels = await syncRepository(rt);
  const outcomes: SyncOutcome[] = [];
  for (const step of steps) outcomes.push(await step(rt));
  const batches = outcomes.reduce((n, o) => n + (o.batches ?? 0), 0);
  const progress = hasProgress(rt, labels.openDashboards, batches)
    ? await refreshProgress(rt)
    : { reads: 0, writes: 0, board: null, dashboard: noDashboard(rt), failures: [] };
  const board = progress.board;
  const dashboard = ["created", "updated", "reopened"].includes(progress.dashboard.action) ? 1 : 0;
  const repairs: Record<string, number> = {
    labels: labels.labelChanges.length,
    stickies: labels.stickyChanges.length,
    board: board ? board.createdFields.length + board.added.length + board.written : 0,
    dashboard,
  };
  for (const outcome of outcomes)
    for (const [kind, n] of Object.entries(outcome.repairs)) repairs[kind] = (repairs[kind] ?? 0) + n;
  return {
    labels,
    steps: outcomes,
    progress,
    repairs,
    failures: [...labels.failures, ...outcomes.flatMap((o) => o.failures), ...progress.failures],
  };
}

/**
 * Whether there is a board or a dashboard to keep: a project is configured, a dashboard is open (or the registry
 * read didn't say), or batches exist and the dashboard would open with them. Otherwise its read is skipped.
 */
function hasProgress(rt: Runtime, openDashboards: number | null, batches: number): boolean {
  return !!rt.config.project || openDashboards !== 0 || (rt.config.dashboard.enabled && batches > 0);
}

function noDashboard(rt: Runtime): ProgressReport["dashboard"] {
  return { number: null, action: rt.config.dashboard.enabled ? "none" : "disabled" };
}
