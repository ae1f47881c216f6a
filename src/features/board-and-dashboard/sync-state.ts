import type { RepositorySync } from "../../jobs/reconcile.js";
import type { Runtime } from "../shared/runtime.js";
import type { SyncOutcome, SyncStep } from "../shared/steps.js";
import { type ProgressReport, refreshProgress } from "./run.js";

export interface SyncState extends RepositorySync {
  steps: SyncOutcome[];
  progress: Pick<ProgressReport, "reads" | "writes" | "board" | "dashboard" | "failures">;
}

/**
 * The one sync entry, as `/batch sync` and the reconcile sweep run it: the pipeline's steps in order (readiness
 * labels and sticky explanations, open batch issues), then the board and the dashboard, skipped without a read when
 * there is neither. Each part writes only drift.
 */
export async function syncRepositoryState(rt: Runtime, steps: readonly SyncStep[]): Promise<SyncState> {
  const outcomes: SyncOutcome[] = [];
  for (const step of steps) outcomes.push(await step(rt, outcomes));
  const batches = outcomes.reduce((n, o) => n + (o.batches ?? 0), 0);
  const openDashboards = outcomes.find((o) => o.openDashboards !== undefined)?.openDashboards ?? null;
  const progress = hasProgress(rt, openDashboards, batches)
    ? await refreshProgress(rt)
    : { reads: 0, writes: 0, board: null, dashboard: noDashboard(rt), failures: [] };
  const board = progress.board;
  const dashboard = ["created", "updated", "reopened"].includes(progress.dashboard.action) ? 1 : 0;
  const repairs: Record<string, number> = {
    board: board ? board.createdFields.length + board.added.length + board.written : 0,
    dashboard,
  };
  for (const outcome of outcomes)
    for (const [kind, n] of Object.entries(outcome.repairs)) repairs[kind] = (repairs[kind] ?? 0) + n;
  return {
    steps: outcomes,
    progress,
    repairs,
    failures: [...outcomes.flatMap((o) => o.failures), ...progress.failures],
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
