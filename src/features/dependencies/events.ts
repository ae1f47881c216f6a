import type { Context, Logger } from "probot";
import { loadRepoConfig } from "../../github/config-reader.js";
import { type AppDeps, configOf, eventLog, fromSelf, runtimeFrom } from "../shared/deps.js";
import { changeFromPayload, type IssuesPayload, isReadinessRelevant } from "../shared/issue-payload.js";
import type { Runtime } from "../shared/runtime.js";
import { type SyncReport, syncAfterChange, syncRepository } from "./run.js";

export const ISSUE_ACTIONS = [
  "opened",
  "edited",
  "labeled",
  "unlabeled",
  "closed",
  "reopened",
  "deleted",
  "transferred",
] as const;

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

/** Readiness labels, dependency explanations and native relations, kept right as issues change. */
export function registerDependencyHandlers(deps: AppDeps): void {
  const { app, hosts } = deps;
  app.on(
    ISSUE_ACTIONS.map((a) => `issues.${a}` as const),
    async (context) => {
      if (await fromSelf(deps, context)) return;
      const payload = context.payload as unknown as IssuesPayload;
      const log = eventLog(context);
      const loaded = await configOf(context);
      if (!loaded.ok) {
        log.warn({ problems: loaded.problems }, "invalid configuration; nothing changed");
        return;
      }
      const { config } = loaded;
      const rt = await runtimeFrom(deps, context, config);
      if (!isReadinessRelevant(payload, [config.labels.spec, config.labels.blocked, config.labels.ready])) {
        for (const hook of deps.afterIssueEvent) await hook(context, rt, null);
        return;
      }
      if (context.name === "issues" && payload.action === "closed")
        for (const guard of deps.closeGuards)
          if (!(await guard(context as Context<"issues.closed">, config))) return;
      const report = await syncAfterChange(rt, changeFromPayload(payload));
      logReport(log, `dependency sync after issues.${payload.action}`, report);
      for (const hook of deps.afterIssueEvent) await hook(context, rt, report.openDashboards);
    },
  );

  app.on(["installation.created", "installation_repositories.added"], async (context) => {
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
      const rt: Runtime = {
        octokit: context.octokit,
        repo: { owner, repo },
        config: loaded.config,
        botLogin: await deps.botLogin(),
        hosts,
        log,
      };
      logReport(log, `installation sync of ${full_name}`, await syncRepository(rt));
    }
  });
}
