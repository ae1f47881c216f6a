import type { CommandHelp } from "../../domain/command-help.js";
import type { CommandDefinition } from "../shared/command-registry.js";
import type { AppDeps } from "../shared/deps.js";
import {
  blockedPlan,
  discoveryPlan,
  donePlan,
  foundExistingPlan,
  type LifecycleDeps,
  type LifecyclePort,
  lifecyclePortOf,
  type PlanBuilder,
  releasePlan,
  runBatchCommand,
  unblockedPlan,
} from "./run.js";

const WHO = "the batch's agent; write, maintain or admin on the repository";

/** A command on a batch issue: its help, and what it does to the batch (`run.ts`). */
function batchCommand(
  deps: LifecycleDeps,
  help: Help,
  build: (port: LifecyclePort) => PlanBuilder,
): CommandDefinition {
  return {
    help: { ...help, whoCanUse: WHO },
    run(ctx, line) {
      const port = lifecyclePortOf(ctx);
      return runBatchCommand(deps, ctx, port, line, build(port));
    },
  };
}

type Help = Omit<CommandHelp, "whoCanUse">;

const BLOCKED: Help = {
  name: "blocked",
  usage: "/batch blocked <reason>",
  description:
    "Reports the batch blocked: it gets the `blocked` label, and the reason and time go into its report. Counted as a blocker.",
  examples: ["/batch blocked the staging database is down"],
};

const UNBLOCKED: Help = {
  name: "unblocked",
  usage: "/batch unblocked",
  description: "Clears the batch's blockers and its `blocked` label.",
  examples: ["/batch unblocked"],
};

const FOUND_EXISTING: Help = {
  name: "found-existing",
  usage: "/batch found-existing #N [where]",
  description:
    "Reports a SPEC of the batch as satisfied by existing code: it gets the `found-existing` label and waits for B1/B2 approvals by command. Counted as reuse.",
  examples: ["/batch found-existing #12 src/auth/session.ts already does this"],
};

const DISCOVERY: Help = {
  name: "discovery",
  usage: "/batch discovery <text>",
  description:
    "Shares a discovery in the repository's knowledge registry (one issue labelled `knowledge`, grouped by domain); new batches quote it in their SUCCESS PATTERN.",
  examples: ["/batch discovery #12 and #14 can share the session cache in src/auth/cache.ts"],
};

const DONE: Help = {
  name: "done",
  usage: "/batch done",
  description:
    "The completion report: the batch's report says, per SPEC, validated / merged awaiting validation / in review / open / found existing, with blockers, reuse and E2E. When every SPEC is closed and validated the batch issue is closed; otherwise the report says what is missing.",
  examples: ["/batch done"],
};

const RELEASE: Help = {
  name: "release",
  usage: "/batch release [#N ...]",
  description:
    "Returns the named SPECs (or every unfinished one) to the pool: the agent is unassigned, the sub-issue link removed and the task list updated.",
  examples: ["/batch release #12 #15", "/batch release"],
};

/** `/batch blocked|unblocked|found-existing|discovery|done|release`, on a batch issue. */
export function lifecycleCommands(deps: AppDeps): CommandDefinition[] {
  return [
    batchCommand(deps, BLOCKED, () => blockedPlan),
    batchCommand(deps, UNBLOCKED, () => unblockedPlan),
    batchCommand(deps, FOUND_EXISTING, () => foundExistingPlan),
    batchCommand(deps, DISCOVERY, (port) => discoveryPlan(deps, port)),
    batchCommand(deps, DONE, () => donePlan),
    batchCommand(deps, RELEASE, () => releasePlan),
  ];
}
