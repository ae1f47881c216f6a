import type { Context, Logger } from "probot";
import type { LabelChange } from "../../domain/readiness.js";
import { loadRepoConfig } from "../../github/config-reader.js";
import { type AppDeps, eventLog, runtimeFor } from "../shared/deps.js";
import {
  changeFromPayload,
  ISSUE_ACTIONS,
  type IssueAction,
  isReadinessRelevant,
} from "../shared/issue-payload.js";
import { type IssueStep, registryFrom, type SyncStep } from "../shared/steps.js";
import { readSpecRegistry, withRegistry } from "./registry.js";
import { portOf, type SyncReport, syncAfterChange, syncRepository } from "./run.js";

/** The `issues` actions that can change readiness: all but assignment changes. */
const READINESS_ACTIONS: ReadonlySet<IssueAction> = new Set<IssueAction>(
  ISSUE_ACTIONS.filter((a) => a !== "assigned" && a !== "unassigned"),
);

function logReport(log: Logger, what: string, report: SyncReport) {
  const level = report.failures.length ? "warn" : "info";
  log[level](
    {
      reads: report.reads,
      writes: report.writes,
      labelChanges: report.labelChanges.length,
      failures: report.failures,
    },
    what,
  );
}

/**
 * `issues` events: readiness labels, dependency explanations and native relations, kept right as issues change.
 * The registry read also counts the open dashboards, which the board step after it uses.
 */
export const dependencySync: IssueStep = async (event) => {
  const { payload, rt } = event;
  if (!READINESS_ACTIONS.has(payload.action as IssueAction)) return;
  const { labels } = rt.config;
  if (!isReadinessRelevant(payload, [labels.spec, labels.blocked, labels.ready])) return;
  const report = await syncAfterChange(rt, changeFromPayload(payload));
  logReport(rt.log, `dependency sync after issues.${payload.action}`, report);
  event.openDashboards = report.openDashboards;
  return undefined;
};

/** `installation.created`, `installation_repositories.added`: every SPEC of each new repository labelled. */
export function installationSync(deps: AppDeps) {
  return async (context: Context<"installation" | "installation_repositories">): Promise<void> => {
    const payload = context.payload as {
      repositories?: Array<{ full_name: string }>;
      repositories_added?: Array<{ full_name: string }>;
    };
    const repositories = payload.repositories_added ?? payload.repositories ?? [];
    for (const { full_name } of repositories) {
      const [owner, repo] = full_name.split("/") as [string, string];
      const log = eventLog(context, { repository: full_name });
      const loaded = await loadRepoConfig(context.octokit, { owner, repo });
      if (!loaded.ok) {
        log.warn({ problems: loaded.problems }, "invalid configuration; repository skipped");
        continue;
      }
      const rt = await runtimeFor(deps, context, { owner, repo }, loaded.config, log);
      logReport(log, `installation sync of ${full_name}`, await syncRepository(rt));
    }
  };
}

function labelText(change: LabelChange): string {
  return [...change.add.map((l) => `+${l}`), ...change.remove.map((l) => `−${l}`)].join(" ");
}

/** `/batch sync`: the readiness labels of every SPEC, on the registry an earlier step read (else read here). */
export const labelsSyncStep: SyncStep = async (rt, earlier) => {
  const registry = registryFrom(earlier) ?? (await readSpecRegistry(rt, portOf(rt)));
  const { labelChanges, stickyChanges, failures, openDashboards, openPullRequests } = await syncRepository(
    rt,
    withRegistry(portOf(rt), registry),
  );
  const line = labelChanges.length
    ? `- Labels: ${labelChanges.length} SPEC${labelChanges.length === 1 ? "" : "s"} relabelled (${labelChanges
        .slice(0, 20)
        .map((c) => `#${c.number} ${labelText(c.change)}`)
        .join(", ")}${labelChanges.length > 20 ? ", …" : ""})`
    : "- Labels: all right";
  return {
    line,
    failures,
    repairs: { labels: labelChanges.length, stickies: stickyChanges.length },
    openDashboards,
    openPullRequests,
    registry,
  };
};
