import type { BatchConfig } from "../domain/config.js";
import { hasLabel } from "../domain/spec.js";
import { Coalescer } from "../infra/coalesce.js";
import { boardConfigProbe } from "./board-probe.js";
import { type AppDeps, configOf, repoOf } from "./deps.js";
import type { IssuesPayload } from "./issue-events.js";
import { dashboardCommand, statusCommand, syncCommand } from "./progress-commands.js";
import { refreshProgress } from "./progress-sync.js";

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
 * Unlike the other handlers, this one also follows changes batchbot made itself: readiness labels set by dependency
 * sync, the quality gate's labels, batch issues opened and updated by planning. The board and the dashboard mirror
 * that state, and nothing they write can trigger them again (project items raise no `issues` events, and the
 * dashboard issue is neither a SPEC nor a batch). Events about one repository are coalesced: a burst costs the
 * running refresh plus one more.
 */
export function registerProgress(deps: AppDeps): void {
  deps.commands.push(statusCommand(), dashboardCommand(), syncCommand());
  deps.configProbes = [...(deps.configProbes ?? []), boardConfigProbe];
  const coalescer = new Coalescer();
  deps.app.on(
    PROGRESS_ACTIONS.map((a) => `issues.${a}` as const),
    async (context) => {
      const payload = context.payload as unknown as IssuesPayload;
      const loaded = await configOf(context);
      if (!loaded.ok || !isProgressRelevant(payload, loaded.config)) return;
      const repo = repoOf(context);
      const botLogin = await deps.botLogin();
      await coalescer.run(`${repo.owner}/${repo.repo}`.toLowerCase(), async () => {
        const report = await refreshProgress({
          octokit: context.octokit,
          repo,
          config: loaded.config,
          botLogin,
          hosts: deps.hosts,
          log: context.log,
        });
        context.log[report.failures.length ? "warn" : "info"](
          {
            reads: report.reads,
            writes: report.writes,
            dashboard: report.dashboard,
            board: report.board && { added: report.board.added.length, written: report.board.written },
            failures: report.failures,
          },
          `progress refresh after issues.${payload.action}`,
        );
      });
    },
  );
}
