import { type BoardPlan, planBoard } from "../../domain/board-plan.js";
import { type BoardRow, boardRows } from "../../domain/board-state.js";
import { type BoardSummary, DASHBOARD_TITLE, renderDashboard } from "../../domain/dashboard.js";
import { computeMetrics, type ProgressMetrics } from "../../domain/progress-metrics.js";
import { describeProject, projectRef } from "../../domain/project-ref.js";
import { buildRegistry } from "../../domain/registry.js";
import { boardAndDashboardGitHub } from "../../github/board-and-dashboard-port.js";
import { findDashboard, pinMutation, sameBody } from "../../github/dashboard-issue.js";
import {
  createdIssue,
  createIssueMutation,
  createLabelMutation,
  issueBodyMutation,
  labelMutations,
  reopenIssueMutation,
} from "../../github/issue-writer.js";
import { type Mutation, type MutationOutcome, recordWrites } from "../../github/mutations.js";
import type { ProgressLabels, ProgressSnapshot } from "../../github/progress-reader.js";
import {
  addedItemId,
  addItemMutation,
  type BoardProject,
  createdField,
  createFieldMutation,
  fieldsByKey,
  fieldWriteMutation,
} from "../../github/projects.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

/** The calls the board-and-dashboard workhorse makes (`src/github/board-and-dashboard-port.ts`); unit tests fake it. */
export type BoardAndDashboardPort = ReturnType<typeof boardAndDashboardGitHub>;

/** The port on the runtime's GitHub client. */
export function boardAndDashboardPortOf(rt: Runtime): BoardAndDashboardPort {
  return boardAndDashboardGitHub(rt.octokit, rt.repo);
}

export interface ProgressOptions {
  /**
   * `auto` (events, `/batch sync`): create the dashboard once a batch exists, leave a closed one closed.
   * `open` (`/batch dashboard`): create it even without batches, reopen it when closed, pin it.
   */
  dashboard?: "auto" | "open";
  now?: Date;
  /**
   * The progress read already made (shared with batch tasks, their writes applied): used instead of reading again.
   * It must have been read with the board when one is configured (`readSharedProgress`).
   */
  snapshot?: ProgressSnapshot;
}

export type DashboardAction =
  | "created"
  | "updated"
  | "reopened"
  | "unchanged"
  | "closed"
  | "none"
  | "disabled";

export interface ProgressReport extends RequestCount {
  board: {
    project: string;
    url: string | null;
    createdFields: string[];
    added: number[];
    written: number;
    problems: string[];
  } | null;
  dashboard: { number: number | null; action: DashboardAction };
  metrics: ProgressMetrics;
  failures: string[];
}

export function progressLabels(rt: Pick<Runtime, "config">): ProgressLabels {
  const { labels } = rt.config;
  return {
    spec: labels.spec,
    batch: labels.batch,
    dashboard: labels.dashboard,
    changesRequested: labels["changes-requested"],
  };
}

/**
 * Reads everything progress tracking shows: SPECs, batches, the dashboard issue and, when configured and
 * `withBoard`, the project board.
 */
export async function readProgressState(
  rt: Runtime,
  now: Date,
  withBoard = true,
  port: BoardAndDashboardPort = boardAndDashboardPortOf(rt),
  read?: ProgressSnapshot,
) {
  const ref = withBoard ? projectRef(rt.config.project) : null;
  const snapshot = read ?? (await port.readProgress(progressLabels(rt), ref));
  const registry = buildRegistry(rt.repo, snapshot.specs, rt.config, rt.hosts);
  const specs = [...registry.specs.values()];
  const metrics = computeMetrics({
    specs,
    batches: snapshot.batches,
    config: rt.config,
    now,
    changesRequestedEver: snapshot.changesRequestedEver,
  });
  const dashboard = findDashboard(snapshot.dashboards, rt.botLogin);
  return { ref, snapshot, specs, metrics, dashboard };
}

function failureSummary(failures: ReadonlyArray<{ message: string }>): string[] {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.message, (counts.get(f.message) ?? 0) + 1);
  return [...counts].map(([message, n]) => `${n} board write${n === 1 ? "" : "s"} failed: ${message}`);
}

/** The first mutation batch: what later writes need the ids of (fields, items, the dashboard issue and label). */
interface FirstWrites {
  mutations: Mutation[];
  fieldAt: number[];
  itemAt: Array<{ row: BoardRow; at: number }>;
  labelAt: number;
  issueAt: number;
}

function firstWrites(
  project: BoardProject | null,
  plan: BoardPlan | null,
  dashboard: {
    create: boolean;
    body: string;
    labelId: string | null;
    repositoryId: string;
    labelName: string;
  },
): FirstWrites {
  const mutations: Mutation[] = [];
  const out: FirstWrites = { mutations, fieldAt: [], itemAt: [], labelAt: -1, issueAt: -1 };
  if (project && plan) {
    for (const field of plan.createFields)
      out.fieldAt.push(mutations.push(createFieldMutation(project.id, field)) - 1);
    for (const row of plan.add)
      out.itemAt.push({ row, at: mutations.push(addItemMutation(project.id, row)) - 1 });
  }
  if (dashboard.create) {
    if (!dashboard.labelId)
      out.labelAt =
        mutations.push(createLabelMutation(dashboard.repositoryId, dashboard.labelName, "dashboard")) - 1;
    out.issueAt =
      mutations.push(
        createIssueMutation(
          dashboard.repositoryId,
          DASHBOARD_TITLE,
          dashboard.body,
          dashboard.labelId ? [dashboard.labelId] : [],
          "the dashboard",
        ),
      ) - 1;
  }
  return out;
}

/** What the second round needs from the first: field and item ids, the dashboard label and the new dashboard. */
function firstRoundIds(
  first: FirstWrites,
  outcome: MutationOutcome,
  snapshot: ProgressSnapshot,
  report: ProgressReport,
) {
  const fields = [...(snapshot.project?.fields ?? [])];
  for (const at of first.fieldAt) {
    const field = createdField(outcome.results[at]);
    if (!field) continue;
    fields.push(field);
    report.board?.createdFields.push(field.name);
  }
  const itemIds = new Map([...snapshot.items].map(([contentId, item]) => [contentId, item.itemId]));
  for (const { row, at } of first.itemAt) {
    const id = addedItemId(outcome.results[at]);
    if (!id) continue;
    itemIds.set(row.contentId, id);
    report.board?.added.push(row.number);
  }
  const createdLabel = (outcome.results[first.labelAt] as { label?: { id: string } } | undefined)?.label?.id;
  return {
    fields,
    itemIds,
    labelId: snapshot.dashboardLabelId ?? createdLabel ?? null,
    created: first.issueAt >= 0 ? createdIssue(outcome.results[first.issueAt]) : null,
  };
}

const isBoardWrite = (f: { mutation: Mutation }) => f.mutation.field.includes("ProjectV2");

/**
 * Brings the Projects board and the dashboard issue in line with the repository's SPECs and batches. One read
 * (per 100 SPECs; none when `options.snapshot` brings it), then at most two rounds of aliased writes: fields, items
 * and a new dashboard first, because the second round (field values, the new dashboard's label and pin, a changed
 * dashboard body) needs their ids. Nothing is written when everything already shows the current state.
 */
export async function refreshProgress(
  rt: Runtime,
  options: ProgressOptions = {},
  port: BoardAndDashboardPort = boardAndDashboardPortOf(rt),
): Promise<ProgressReport> {
  const mode = options.dashboard ?? "auto";
  const state = await readProgressState(rt, options.now ?? new Date(), true, port, options.snapshot);
  const { snapshot } = state;
  const { plan, summary, report } = planProgress(rt, state, options.snapshot ? 0 : snapshot.requests);
  const render = () => renderDashboard(state.metrics, { repo: rt.repo, board: summary });

  const createdBody = render();
  const first = firstWrites(snapshot.project, plan, {
    create:
      rt.config.dashboard.enabled && !state.dashboard && (mode === "open" || snapshot.batches.length > 0),
    body: createdBody,
    labelId: snapshot.dashboardLabelId,
    repositoryId: snapshot.repositoryId,
    labelName: rt.config.labels.dashboard,
  });
  const firstOutcome = await send(port, first.mutations, report);
  const { fields, itemIds, labelId, created } = firstRoundIds(first, firstOutcome, snapshot, report);

  // Board writes GitHub refused (a project batchbot may read but not write) show on the dashboard.
  const refused = firstOutcome.failures.filter(isBoardWrite);
  if (summary && refused.length) summary.problems.push(...failureSummary(refused));
  if (report.board && summary) report.board.problems = summary.problems;

  const second = boardValueWrites(snapshot.project, plan, fields, itemIds);
  const boardWrites = second.length;
  second.push(
    ...dashboardWrites(rt, mode, report, {
      dashboard: state.dashboard,
      created: created && { ...created, body: createdBody, labelled: !!snapshot.dashboardLabelId },
      labelId,
      body: render(),
    }),
  );
  const secondOutcome = await send(port, second, report);
  if (report.board) report.board.written = boardWrites - secondOutcome.failures.filter(isBoardWrite).length;
  return report;
}

type ProgressState = Awaited<ReturnType<typeof readProgressState>>;

/** What the board should show (its plan), the summary the dashboard shows of it, and the report to fill. */
function planProgress(rt: Runtime, state: ProgressState, reads: number) {
  const { ref, snapshot, specs, metrics } = state;
  const project = snapshot.project;
  const plan = project
    ? planBoard(project.fields, boardRows(specs, snapshot.batches, rt.config), snapshot.items)
    : null;
  const summary: BoardSummary | null = ref && {
    url: project?.url ?? null,
    title: project?.title ?? describeProject(ref),
    problems: [...(snapshot.projectProblem ? [snapshot.projectProblem] : []), ...(plan?.problems ?? [])],
  };
  const report: ProgressReport = {
    reads,
    writes: 0,
    board: ref && {
      project: describeProject(ref),
      url: project?.url ?? null,
      createdFields: [],
      added: [],
      written: 0,
      problems: [],
    },
    dashboard: { number: null, action: "none" },
    metrics,
    failures: [],
  };
  return { plan, summary, report };
}

/** The board's field values (second round), with the ids of fields and items the first round created. */
function boardValueWrites(
  project: BoardProject | null,
  plan: BoardPlan | null,
  fields: BoardProject["fields"],
  itemIds: ReadonlyMap<string, string>,
): Mutation[] {
  if (!project || !plan) return [];
  const byKey = fieldsByKey(fields);
  const out: Mutation[] = [];
  for (const write of plan.writes) {
    const mutation = fieldWriteMutation(project.id, write, itemIds.get(write.contentId), byKey);
    if (mutation) out.push(mutation);
  }
  return out;
}

/** The dashboard's writes of the second round; records what happens to it in `report.dashboard`. */
function dashboardWrites(
  rt: Runtime,
  mode: "auto" | "open",
  report: ProgressReport,
  state: {
    dashboard: ReturnType<typeof findDashboard>;
    created: { id: string; number: number; body: string; labelled: boolean } | null;
    labelId: string | null;
    body: string;
  },
): Mutation[] {
  const { dashboard, created, labelId, body } = state;
  const { pin, enabled } = rt.config.dashboard;
  const label = rt.config.labels.dashboard;
  const out: Mutation[] = [];
  if (created) {
    report.dashboard = { number: created.number, action: "created" };
    if (labelId && !created.labelled)
      out.push(
        ...labelMutations(
          created.id,
          { add: [label], remove: [] },
          new Map([[label.toLowerCase(), labelId]]),
          `#${created.number}`,
        ),
      );
    if (!sameBody(created.body, body))
      out.push(issueBodyMutation(created.id, body, `dashboard #${created.number}`));
    if (pin) out.push(pinMutation(created.id, created.number));
    return out;
  }
  if (!enabled) {
    report.dashboard = { number: dashboard?.number ?? null, action: "disabled" };
    return out;
  }
  if (!dashboard) return out;
  if (dashboard.state === "CLOSED" && mode === "auto") {
    report.dashboard = { number: dashboard.number, action: "closed" };
    return out;
  }
  const reopen = dashboard.state === "CLOSED";
  if (reopen) out.push(reopenIssueMutation(dashboard.id, `dashboard #${dashboard.number}`));
  const changed = !sameBody(dashboard.body, body);
  if (changed) out.push(issueBodyMutation(dashboard.id, body, `dashboard #${dashboard.number}`));
  if (mode === "open" && pin && !dashboard.isPinned) out.push(pinMutation(dashboard.id, dashboard.number));
  report.dashboard = {
    number: dashboard.number,
    action: reopen ? "reopened" : changed ? "updated" : "unchanged",
  };
  return out;
}

async function send(
  port: BoardAndDashboardPort,
  mutations: Mutation[],
  report: ProgressReport,
): Promise<MutationOutcome> {
  if (mutations.length === 0) return { results: [], failures: [], requests: 0 };
  const outcome = await port.runMutations(mutations);
  recordWrites(report, outcome);
  return outcome;
}
