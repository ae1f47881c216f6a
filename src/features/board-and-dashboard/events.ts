import type { BatchConfig } from "../../domain/config.js";
import { hasLabel } from "../../domain/spec.js";
import type { ProgressPresence } from "../../github/quality-gate-reader.js";
import { Coalescer } from "../../infra/coalesce.js";
import { type IssuesPayload, labelNames } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import type { IssueStep } from "../shared/steps.js";
import { refreshProgress } from "./run.js";

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

/** Brings the board and the dashboard up to date; `why` is logged. */
export type ProgressRefresh = (rt: Runtime, why: string) => Promise<void>;

/**
 * The refresh of the board and the dashboard, coalesced per repository: a burst of events costs the running
 * refresh plus one more. One per app (`src/pipeline.ts`).
 */
export function progressRefresher(): ProgressRefresh {
  const coalescer = new Coalescer();
  return (rt, why) =>
    coalescer.run(`${rt.repo.owner}/${rt.repo.repo}`.toLowerCase(), async () => {
      const report = await refreshProgress(rt);
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
    });
}

/**
 * `issues` events: the Projects board and the dashboard follow a person's change. batchbot ignores the events its
 * own writes cause, so after those the pipeline's follow-ups call the refresh instead.
 */
export function progressAfterIssue(refresh: ProgressRefresh): IssueStep {
  return async ({ payload, rt, openDashboards }) => {
    if (!isProgressRelevant(payload, rt.config)) return;
    // Neither a board nor a dashboard to keep, and no batch issue that would open the dashboard: nothing to do,
    // and the registry read already told us so.
    const labels = labelNames(payload.issue.labels);
    if (!rt.config.project && openDashboards === 0 && !hasLabel(labels, rt.config.labels.batch)) return;
    await refresh(rt, `issues.${payload.action}`);
    return undefined;
  };
}
