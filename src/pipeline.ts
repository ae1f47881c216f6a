import type { Context, Probot } from "probot";
import { driverConfigProbe } from "./features/agent-drivers/probe.js";
import { assignmentCommands, nextCommand } from "./features/assignment/commands.js";
import { autoNext } from "./features/assignment/next.js";
import {
  batchTasksAfterIssue,
  batchTasksAfterSpecs,
  batchTasksSyncStep,
} from "./features/batch-tasks/events.js";
import { boardConfigProbe } from "./features/board-and-dashboard/board-probe.js";
import { dashboardCommand, statusCommand, syncCommand } from "./features/board-and-dashboard/commands.js";
import {
  progressAfterIssue,
  progressKept,
  progressRefresher,
  progressShown,
  shareProgressRead,
} from "./features/board-and-dashboard/events.js";
import { syncRepositoryState } from "./features/board-and-dashboard/sync-state.js";
import { configCheck } from "./features/config-check/events.js";
import { type BurstTiming, editBursts } from "./features/dependencies/bursts.js";
import { dependencySync, installationSync, labelsSyncStep } from "./features/dependencies/events.js";
import { lifecycleCommands } from "./features/lifecycle/commands.js";
import { countMessages } from "./features/lifecycle/events.js";
import { qualityGateCommands } from "./features/quality-gate/commands.js";
import {
  closeGuard,
  gateOnCheckRun,
  gateOnPullRequest,
  gateOnReview,
  gateOnStatus,
  PULL_REQUEST_ACTIONS,
  REVIEW_ACTIONS,
} from "./features/quality-gate/events.js";
import { closeGuardSyncStep, gateSyncStep } from "./features/quality-gate/sync.js";
import { runCommands } from "./features/shared/command-events.js";
import { type CommandDefinition, helpCommand } from "./features/shared/command-registry.js";
import { type AppDeps, fromSelf, runtimeOf } from "./features/shared/deps.js";
import { ISSUE_ACTIONS, type IssuesPayload } from "./features/shared/issue-payload.js";
import type { IssueEvent, IssueStep, SyncStep } from "./features/shared/steps.js";
import type { Lock } from "./infra/lock.js";
import type { SyncRepositoryState } from "./jobs/reconcile.js";

/** What the pipeline gives back: the one sync entry (`/batch sync`'s steps), for the reconcile sweep. */
export interface Pipeline {
  sync: SyncRepositoryState;
}

/** What `src/app.ts` gives the pipeline. */
export interface PipelineBase {
  app: Probot;
  hosts: readonly string[];
  botLogin: () => Promise<string>;
  lock: Lock;
  /** How edits of one issue in a burst fold into one run (`BURST_TIMING` by default). */
  editBursts?: BurstTiming;
}

/**
 * Every event batchbot takes and, in order, the features that run on it. This is the whole event flow: no feature
 * registers a handler or a step anywhere else. Events batchbot's own writes cause are ignored (`fromSelf`), so what
 * follows those writes is wired here too, in `follow`.
 *
 * - `issues.*`, a person's change: quality-gate close guard → dependencies → batch tasks → board and dashboard (a
 *   close the guard undoes stops there, after `follow.specsChanged` for the reopened SPEC)
 * - `issue_comment.created`: lifecycle message count, and the `/batch` commands (independently)
 * - `issue_comment.deleted`: lifecycle message count
 * - `pull_request.*`, `pull_request_review.*`, `check_run.*`, `status`: quality gate → `follow.specsChanged`
 * - `push`: config check (with the board's and the agent drivers' probes)
 * - `installation.created`, `installation_repositories.added`: dependencies (every SPEC labelled)
 * - `/batch sync` and the reconcile sweep (`src/jobs/`), one registry read: quality-gate close guard → dependencies
 *   → quality gate → batch tasks → board and dashboard (the last two on one progress read when both run)
 * - batchbot's own writes (`follow`): SPECs changed → batch tasks → board and dashboard (one progress read for both,
 *   `progress.share`); batches opened or changed → board and dashboard; batches completed → assignment's `auto-next`
 */
export function pipeline(base: PipelineBase): Pipeline {
  const { app } = base;
  const progress = progressRefresher();
  const deps: AppDeps = {
    ...base,
    follow: {
      // batchbot changed SPECs (gate labels, a close undone, a forced close): batch tasks → board and dashboard.
      // Only what exists follows (`presence`, from the gate's read); when both do, one progress read serves both.
      specsChanged: async (rt, numbers, presence) => {
        if (numbers.length === 0) return;
        const batches = !presence || presence.openBatches > 0;
        const shown = presence ? progressShown(rt.config, presence) : progressKept(rt.config);
        const shared = batches && shown ? progress.share(rt) : undefined;
        if (batches) await batchTasksAfterSpecs(deps, rt, numbers, shared);
        if (shown) await progress(rt, "batchbot's own writes", shared);
      },
      // batchbot opened batches or changed them: board and dashboard.
      progressChanged: (rt) => progress(rt, "batchbot's own writes"),
      // batchbot completed batches: assignment opens each agent's next one (`batch.auto-next`).
      batchesCompleted: (rt, batches) => autoNext(deps)(rt, batches),
    },
  };

  const issueSteps: IssueStep[] = [
    closeGuard(deps.follow.specsChanged), // issues.closed of an unvalidated SPEC: reopened, followed, and stop
    dependencySync, // readiness labels, dependency explanations, native relations
    shareProgressRead(progress), // when the board and the dashboard follow: their read, offered to batch tasks
    batchTasksAfterIssue(deps), // the SPEC's batch issue: task list, report, completion (→ auto-next)
    progressAfterIssue(progress), // the project board and the dashboard
  ];
  app.on(
    ISSUE_ACTIONS.map((a) => `issues.${a}` as const),
    issueEvents(deps, issueSteps, base.editBursts),
  );

  // `/batch sync` and the reconcile sweep, on one registry read: quality-gate close guard (closes whose delivery
  // was lost) → dependencies → quality gate (open pull requests that close SPECs, stale in-review labels) → batch
  // tasks → (in the entry) board and dashboard.
  const syncSteps: SyncStep[] = [
    closeGuardSyncStep(),
    labelsSyncStep,
    gateSyncStep(deps),
    batchTasksSyncStep(deps),
  ];
  const lifecycle = lifecycleCommands(deps);
  const commands: CommandDefinition[] = [
    helpCommand(() => commands),
    ...qualityGateCommands(deps.follow.specsChanged),
    ...lifecycle,
    nextCommand(deps),
    statusCommand(),
    dashboardCommand(),
    syncCommand(syncSteps, progress),
    ...assignmentCommands(deps),
  ];
  const lifecycleNames = new Set(lifecycle.flatMap((c) => [c.help.name, ...(c.aliases ?? [])]));
  app.on(["issue_comment.created", "issue_comment.deleted"], countMessages(deps, lifecycleNames));
  app.on("issue_comment.created", runCommands(deps, commands));

  app.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    gateOnPullRequest(deps),
  );
  app.on(
    REVIEW_ACTIONS.map((a) => `pull_request_review.${a}` as const),
    gateOnReview(deps),
  );
  app.on(["check_run.completed", "check_run.rerequested"], gateOnCheckRun(deps));
  app.on("status", gateOnStatus(deps));

  app.on("push", configCheck([boardConfigProbe, driverConfigProbe()]));
  app.on(["installation.created", "installation_repositories.added"], installationSync(deps));
  return { sync: (rt) => syncRepositoryState(rt, syncSteps, progress) };
}

/**
 * A person's `issues` event through `steps`, in order, until one says stop. Edits of one issue that arrive while
 * a run for it is in progress fold into one run after it, over the latest state (`editBursts`).
 */
function issueEvents(deps: AppDeps, steps: readonly IssueStep[], timing?: BurstTiming) {
  const edits = editBursts(timing);
  return async (context: Context<"issues">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const key = `${context.payload.repository.full_name}#${context.payload.issue.number}`.toLowerCase();
    await edits(key, context.payload as unknown as IssuesPayload, async (payload) => {
      const rt = await runtimeOf(deps, context);
      if (!rt) return;
      const event: IssueEvent = { context, payload, rt, openDashboards: null };
      for (const step of steps) if ((await step(event)) === "stop") return;
    });
  };
}
