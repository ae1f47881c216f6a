import type { Logger, Probot } from "probot";
import type { RepoRef } from "../domain/references.js";
import type { Runtime } from "../features/shared/runtime.js";
import { loadRepoConfig } from "../github/config-reader.js";
import type { GitHub } from "../github/graphql.js";
import type { Metrics } from "../infra/metrics.js";
import { forEachLimit } from "./limit.js";
import { countRequests } from "./request-count.js";

/** What `/batch sync`'s steps repaired in one repository. */
export interface RepositorySync {
  /** Repairs by kind (`labels`, `stickies`, `batch_issues`, `batch_messages`, `board`, ...); each one is drift. */
  repairs: Readonly<Record<string, number>>;
  /** Writes GitHub refused. */
  failures: readonly string[];
}

/** The one sync entry `/batch sync` runs: readiness labels and stickies, batch issues, the board, the dashboard. */
export type SyncRepositoryState = (rt: Runtime) => Promise<RepositorySync>;

export type RepositoryOutcome = "clean" | "repaired" | "failed" | "skipped";

export interface RepositorySweep {
  repository: string;
  outcome: RepositoryOutcome;
  reads: number;
  writes: number;
  repairs: Readonly<Record<string, number>>;
}

export interface ReconcileContext {
  botLogin: string;
  hosts: readonly string[];
  log: Logger;
  sync: SyncRepositoryState;
  metrics?: Metrics;
}

/**
 * Reconciles one repository: reads its configuration and runs the sync entry, which writes only drift. Logs one
 * line (reads, writes, repairs) and counts the repairs in the metrics. `octokit` must be the repository's own
 * (requests are counted on it). An invalid configuration is skipped, as every handler skips it.
 */
export async function reconcileRepository(
  octokit: GitHub,
  repo: RepoRef,
  context: ReconcileContext,
): Promise<RepositorySweep> {
  const count = countRequests(octokit);
  const repository = `${repo.owner}/${repo.repo}`;
  const log = context.log.child({ repository });
  const done = (outcome: RepositoryOutcome, repairs: Record<string, number> = {}) => {
    context.metrics?.reconcileRepositories.inc({ outcome });
    for (const [kind, n] of Object.entries(repairs))
      if (n > 0) context.metrics?.reconcileRepairs.inc({ kind }, n);
    const line = { reads: count.reads, writes: count.writes, repairs };
    if (outcome === "repaired") log.warn(line, "reconcile: repaired drift (missed events)");
    else if (outcome === "failed") log.warn(line, "reconcile: failed");
    else log.info(line, outcome === "clean" ? "reconcile: nothing to repair" : "reconcile: skipped");
    return { repository, outcome, ...line };
  };
  try {
    const loaded = await loadRepoConfig(octokit, repo);
    if (!loaded.ok) return done("skipped");
    const rt: Runtime = {
      octokit,
      repo,
      config: loaded.config,
      botLogin: context.botLogin,
      hosts: context.hosts,
      log,
    };
    const result = await context.sync(rt);
    const repairs = Object.fromEntries(Object.entries(result.repairs).filter(([, n]) => n > 0));
    if (result.failures.length) return done("failed", repairs);
    return done(Object.keys(repairs).length ? "repaired" : "clean", repairs);
  } catch (error) {
    log.error({ err: error }, "reconcile: repository failed");
    return done("failed");
  }
}

export interface SweepReport {
  installations: number;
  repositories: RepositorySweep[];
}

interface InstallationRepository {
  name: string;
  owner: { login: string };
  archived?: boolean;
  disabled?: boolean;
}

/**
 * The periodic sweep: every repository of every installation, reconciled. Installations are walked `concurrency`
 * at a time and each one's repositories one after another, so the sweep stays far under GitHub's secondary
 * limits (they count per installation token).
 */
export async function sweepInstallations(
  app: Probot,
  context: ReconcileContext & { concurrency: number },
): Promise<SweepReport> {
  const appOctokit = await app.auth();
  const installations = (await appOctokit.paginate("GET /app/installations", { per_page: 100 })) as Array<{
    id: number;
    suspended_at?: string | null;
  }>;
  const report: SweepReport = { installations: 0, repositories: [] };
  await forEachLimit(
    installations.filter((i) => !i.suspended_at),
    context.concurrency,
    async (installation) => {
      report.installations++;
      try {
        const octokit = await app.auth(installation.id);
        const repos = (await octokit.paginate("GET /installation/repositories", {
          per_page: 100,
        })) as unknown as InstallationRepository[];
        for (const r of repos.filter((r) => !r.archived && !r.disabled)) {
          const own = await app.auth(installation.id);
          report.repositories.push(
            await reconcileRepository(own, { owner: r.owner.login, repo: r.name }, context),
          );
        }
      } catch (error) {
        context.log.error({ err: error, installation: installation.id }, "reconcile: installation failed");
      }
    },
  );
  return report;
}
