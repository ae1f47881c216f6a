import type { RepositorySync } from "../../jobs/reconcile.js";
import type { Runtime } from "../shared/runtime.js";
import type { SyncOutcome, SyncStep } from "../shared/steps.js";
import type { ProgressRefresh } from "./events.js";
import { type ProgressReport, refreshProgress } from "./run.js";

export interface SyncState extends RepositorySync {
  steps: SyncOutcome[];
  progress: Pick<ProgressReport, "reads" | "writes" | "board" | "dashboard" | "failures">;
}

/**
 * The one sync entry, as `/batch sync` and the reconcile sweep run it: the pipeline's steps in order (readiness
 * labels and sticky explanations, the quality gate, open batch issues), then the board and the dashboard, skipped
 * without a read when there is neither. Each part writes only drift. When the board or the dashboard is refreshed
 * for sure (a project configured, or a dashboard open), the steps are offered its progress read (`shared`): the
 * batch issues are then refreshed from it and the board and the dashboard reuse it, one read for both.
 */
export async function syncRepositoryState(
  rt: Runtime,
  steps: readonly SyncStep[],
  refresher?: ProgressRefresh,
): Promise<SyncState> {
  const shared = refresher?.share(rt);
  const outcomes: SyncOutcome[] = [];
  for (const step of steps)
    outcomes.push(
      await step(rt, outcomes, progressCertain(rt, openDashboardsOf(outcomes)) ? shared : undefined),
    );
  const batches = outcomes.reduce((n, o) => n + (o.batches ?? 0), 0);
  const openDashboards = openDashboardsOf(outcomes);
  const snapshot = shared?.usable();
  const refresh = () => refreshProgress(rt, snapshot ? { snapshot } : {});
  const progress = hasProgress(rt, openDashboards, batches)
    ? await (refresher ? refresher.track(rt, refresh) : refresh())
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

function openDashboardsOf(outcomes: readonly SyncOutcome[]): number | null {
  return outcomes.find((o) => o.openDashboards !== undefined)?.openDashboards ?? null;
}

/** Whether the board and the dashboard are refreshed whatever the steps find: a project, or a dashboard open (or the registry read didn't say). */
function progressCertain(rt: Runtime, openDashboards: number | null): boolean {
  return !!rt.config.project || openDashboards !== 0;
}

/**
 * Whether there is a board or a dashboard to keep: a project is configured, a dashboard is open (or the registry
 * read didn't say), or batches exist and the dashboard would open with them. Otherwise its read is skipped.
 */
function hasProgress(rt: Runtime, openDashboards: number | null, batches: number): boolean {
  return progressCertain(rt, openDashboards) || (rt.config.dashboard.enabled && batches > 0);
}

function noDashboard(rt: Runtime): ProgressReport["dashboard"] {
  return { number: null, action: rt.config.dashboard.enabled ? "none" : "disabled" };
}
