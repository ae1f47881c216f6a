import type { BatchConfig } from "../../domain/config.js";
import { projectRef } from "../../domain/project-ref.js";
import { hasLabel } from "../../domain/spec.js";
import { readSharedProgress } from "../../github/progress-batches.js";
import type { ProgressPresence } from "../../github/quality-gate-reader.js";
import { Coalescer } from "../../infra/coalesce.js";
import { type IssuesPayload, labelNames } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import type { IssueEvent, IssueStep } from "../shared/steps.js";
import { type ProgressReport, progressLabels, refreshProgress } from "./run.js";
import { SharedProgressRead } from "./shared-read.js";

/** Labels whose change moves a SPEC on the board or on the dashboard. */
function tracksLabel(name: string, config: BatchConfig): boolean {
  const { labels } = config;
  const tracked = [
    labels.spec,
    labels.batch,
    labels.blocked,
    labels.ready,
    labels["in-review"],
    labels["changes-requested"],
    labels.validated,
    labels["found-existing"],
  ];
  return hasLabel(tracked, name) || name.toLowerCase().startsWith(labels["domain-prefix"].toLowerCase());
}

/** Whether an `issues` event can change what the board or the dashboard shows. */
export function isProgressRelevant(payload: IssuesPayload, config: BatchConfig): boolean {
  if (!config.project && !config.dashboard.enabled) return false;
  const labels = labelNames(payload.issue.labels);
  const isSpec = hasLabel(labels, config.labels.spec);
  const isBatch = hasLabel(labels, config.labels.batch);
  switch (payload.action) {
    case "labeled":
    case "unlabeled": {
      const name = payload.label?.name;
      if (!name || !tracksLabel(name, config)) return false;
      // the SPEC or batch label itself is gone from `issue.labels` when it was just removed
      return isSpec || isBatch || hasLabel([config.labels.spec, config.labels.batch], name);
    }
    case "edited":
      // a batch issue's body holds its metadata; a SPEC's title and body aren't shown
      return isBatch && payload.changes?.body !== undefined;
    case "assigned":
    case "unassigned":
      // a SPEC outside any batch shows its assignees as its agent
      return isSpec;
    default:
      return isSpec || isBatch;
  }
}

/**
 * Whether the board or the dashboard has anything to follow: a project is configured, or the dashboard is on and
 * open, or on with a batch that would open it.
 */
export function progressShown(config: BatchConfig, presence: ProgressPresence): boolean {
  if (config.project) return true;
  return config.dashboard.enabled && (presence.openDashboards > 0 || presence.openBatches > 0);
}

/** Whether the repository keeps a board or a dashboard at all (a project configured, or the dashboard on). */
export function progressKept(config: BatchConfig): boolean {
  return !!config.project || config.dashboard.enabled;
}

/**
 * Brings the board and the dashboard up to date; `why` is logged. With `shared` (made by `share` and used by batch
 * tasks first), its read is used instead of a new one while it still shows GitHub's state.
 */
export interface ProgressRefresh {
  (rt: Runtime, why: string, shared?: SharedProgressRead): Promise<void>;
  /**
   * A progress read for batch tasks to make (once, under their lock) and this refresh to use after them: one read
   * for both. It is used only when no other refresh of the repository ran or started since it was read.
   */
  share(rt: Runtime): SharedProgressRead;
  /** Runs a refresh made outside the coalescing (`/batch sync`) as one, so a shared read made before it goes stale. */
  track<T>(rt: Runtime, job: () => Promise<T>): Promise<T>;
}

/**
 * The refresh of the board and the dashboard, coalesced per repository: a burst of events costs the running
 * refresh plus one more. One per app (`src/pipeline.ts`).
 */
export function progressRefresher(): ProgressRefresh {
  const coalescer = new Coalescer();
  /** Per repository: refreshes started so far, and how many are running. */
  const runs = new Map<string, { started: number; running: number; lastOk: number }>();
  const runsOf = (rt: Runtime) => {
    const key = `${rt.repo.owner}/${rt.repo.repo}`.toLowerCase();
    const state = runs.get(key) ?? { started: 0, running: 0, lastOk: 0 };
    runs.set(key, state);
    return { key, state };
  };
  const track = async <T>(rt: Runtime, job: () => Promise<T>): Promise<T> => {
    const { state } = runsOf(rt);
    const ordinal = ++state.started;
    state.running++;
    try {
      const result = await job();
      state.lastOk = Math.max(state.lastOk, ordinal);
      return result;
    } finally {
      state.running--;
    }
  };
  const refresh = (rt: Runtime, why: string, shared?: SharedProgressRead) =>
    coalescer.run(runsOf(rt).key, async () => {
      const snapshot = shared?.usable();
      if (!snapshot && shared?.covered())
        return rt.log.info(`progress refresh after ${why}: done by a later one`);
      const report = await track(rt, () => refreshProgress(rt, snapshot ? { snapshot } : {}));
      logRefresh(rt, why, report);
    });
  const share = (rt: Runtime) => {
    const { state } = runsOf(rt);
    return new SharedProgressRead(
      () => readSharedProgress(rt.octokit, rt.repo, progressLabels(rt), projectRef(rt.config.project)),
      () => {
        const at = { ...state };
        return () => at.running === 0 && state.started === at.started;
      },
      () => {
        const at = state.started;
        return () => state.running === 0 && state.lastOk > at;
      },
    );
  };
  return Object.assign(refresh, { share, track });
}

function logRefresh(rt: Runtime, why: string, report: ProgressReport): void {
  rt.log[report.failures.length ? "warn" : "info"](
    {
      reads: report.reads,
      writes: report.writes,
      dashboard: report.dashboard,
      board: report.board && { added: report.board.added.length, written: report.board.written },
      failures: report.failures,
    },
    `progress refresh after ${why}`,
  );
}

/** Whether the board and the dashboard follow this `issues` event (`progressAfterIssue` refreshes them). */
function progressFollows({ payload, rt, openDashboards }: IssueEvent): boolean {
  if (!isProgressRelevant(payload, rt.config)) return false;
  // Neither a board nor a dashboard to keep, and no batch issue that would open the dashboard: nothing to do,
  // and the registry read already told us so.
  const labels = labelNames(payload.issue.labels);
  return !!rt.config.project || openDashboards !== 0 || hasLabel(labels, rt.config.labels.batch);
}

/**
 * `issues` events: when the board and the dashboard will follow, their progress read is offered to the steps
 * between (batch tasks) as `event.shared`: one read for both.
 */
export function shareProgressRead(refresh: ProgressRefresh): IssueStep {
  return async (event) => {
    if (progressFollows(event)) event.shared = refresh.share(event.rt);
    return undefined;
  };
}

/**
 * `issues` events: the Projects board and the dashboard follow a person's change. batchbot ignores the events its
 * own writes cause, so after those the pipeline's follow-ups call the refresh instead.
 */
export function progressAfterIssue(refresh: ProgressRefresh): IssueStep {
  return async (event) => {
    if (!progressFollows(event)) return;
    await refresh(event.rt, `issues.${event.payload.action}`, event.shared);
    return undefined;
  };
}
