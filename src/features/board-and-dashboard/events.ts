import type { Context } from "probot";
import type { BatchConfig } from "../../domain/config.js";
import { hasLabel } from "../../domain/spec.js";
import { Coalescer } from "../../infra/coalesce.js";
import { type AppDeps, fromSelf, runtimeOf } from "../shared/deps.js";
import type { IssuesPayload } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import { boardConfigProbe } from "./board-probe.js";
import { dashboardCommand, statusCommand, syncCommand } from "./commands.js";
import { refreshProgress } from "./run.js";

export const PROGRESS_ACTIONS = [
  "opened",
  "edited",
  "labeled",
  "unlabeled",
  "closed",
  "reopened",
  "assigned",
  "unassigned",
  "deleted",
  "transferred",
] as const;

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
  const labels = (payload.issue.labels ?? []).map((l) => (typeof l === "string" ? l : l.name));
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
 * The Projects board, the dashboard issue, and `/batch status`, `/batch dashboard`, `/batch sync`.
 *
 * batchbot ignores the events its own writes cause, so the board follows state changes through the handlers that
 * make them: the dependency handler calls `afterIssueEvent` once its labels are written, the quality gate and
 * planning call `refreshProgress` after theirs. Only assignment changes (which no other handler follows) arrive
 * here directly. Refreshes of one repository are coalesced: a burst costs the running refresh plus one more.
 */
export function registerProgress(deps: AppDeps): void {
  deps.commands.push(
    statusCommand(),
    dashboardCommand(),
    syncCommand(() => deps.syncSteps),
  );
  deps.configProbes = [...(deps.configProbes ?? []), boardConfigProbe];
  const coalescer = new Coalescer();
  const refresh = (rt: Runtime, why: string) =>
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
  deps.refreshProgress = (rt) => refresh(rt, "batchbot's own writes");
  const afterIssueEvent = async (context: Context, rt: Runtime, openDashboards: number | null) => {
    const payload = context.payload as unknown as IssuesPayload;
    if (!isProgressRelevant(payload, rt.config)) return;
    // Neither a board nor a dashboard to keep, and no batch issue that would open the dashboard: nothing to do,
    // and the registry read already told us so.
    const labels = (payload.issue.labels ?? []).map((l) => (typeof l === "string" ? l : l.name));
    if (!rt.config.project && openDashboards === 0 && !hasLabel(labels, rt.config.labels.batch)) return;
    await refresh(rt, `issues.${payload.action}`);
  };
  deps.afterIssueEvent.push(afterIssueEvent);
  deps.app.on(["issues.assigned", "issues.unassigned"], async (context) => {
    if (await fromSelf(deps, context)) return;
    const rt = await runtimeOf(deps, context);
    if (rt) await afterIssueEvent(context, rt, null);
  });
}
