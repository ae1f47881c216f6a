import type { Context } from "probot";
import type { RegistrySnapshot } from "../../github/registry-reader.js";
import type { SharedBatchRead } from "../batch-tasks/run.js";
import type { SharedProgressRead } from "../board-and-dashboard/shared-read.js";
import type { IssuesPayload } from "./issue-payload.js";
import type { Runtime } from "./runtime.js";

/** A person's `issues` event, as each step of its pipeline (`src/pipeline.ts`) sees it. */
export interface IssueEvent {
  context: Context;
  payload: IssuesPayload;
  rt: Runtime;
  /** Open dashboard issues, once the dependencies step's registry read counted them (`null`: not read). */
  openDashboards: number | null;
  /** The board and dashboard's progress read, offered to the steps before them when they follow (one read for both). */
  shared?: SharedProgressRead;
}

/**
 * One feature's part of an `issues` event. Each step decides by itself whether the event concerns it; a step that
 * undoes the event (the quality gate reopening a SPEC closed too early) returns `"stop"` and no later step runs.
 */
export type IssueStep = (event: IssueEvent) => Promise<"stop" | undefined>;

/** One part of `/batch sync`: a line of its reply, and the writes GitHub refused (listed at the reply's end). */
export interface SyncOutcome {
  line: string;
  failures: readonly string[];
  /** What it repaired, by kind (`labels`, `stickies`, `batch_issues`, `batch_messages`): the reconcile sweep counts these. */
  repairs: Readonly<Record<string, number>>;
  /** Open dashboard issues, when the step read the registry (the board and dashboard step is skipped at 0). */
  openDashboards?: number | null;
  /** Open pull requests, when the step read the registry (the quality gate's step is skipped at 0). */
  openPullRequests?: number | null;
  /** Batch issues, open or closed, when the step read them (the dashboard opens with the first). */
  batches?: number;
  /**
   * The registry (every SPEC, open and closed) as this sync read it once, with what the steps so far changed in it
   * (a SPEC reopened): later steps take it instead of reading it again (`registryFrom`).
   */
  registry?: RegistrySnapshot;
}

/** The registry the steps before read (and kept up to date), if one did. */
export function registryFrom(earlier: readonly SyncOutcome[]): RegistrySnapshot | undefined {
  return earlier.findLast((o) => o.registry !== undefined)?.registry;
}

/**
 * One sync step; `earlier` holds the outcomes of the steps before it (what they already read). `shared`, given when
 * the board and the dashboard are refreshed after the steps anyway, is their progress read (every SPEC and batch
 * issue): a step that takes it costs no read of its own, and the refresh after reuses it.
 */
export type SyncStep = (
  rt: Runtime,
  earlier: readonly SyncOutcome[],
  shared?: SharedBatchRead,
) => Promise<SyncOutcome>;
