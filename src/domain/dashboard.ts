import type { BoardStatus } from "./board-state.js";
import { encodeMetadata } from "./metadata.js";
import type { AgentProgress, BatchMetrics, BlockerView, ProgressMetrics, Ratio } from "./progress-metrics.js";
import type { RepoRef } from "./references.js";

export const DASHBOARD_KIND = "dashboard";
export const DASHBOARD_TITLE = "Batch dashboard";
/** The hidden marker that, with the dashboard label and batchbot as author, identifies the dashboard issue. */
export const DASHBOARD_MARKER = encodeMetadata(DASHBOARD_KIND, { v: 1 });

/** What the dashboard says about the Projects board, when one is configured. */
export interface BoardSummary {
  url: string | null;
  title: string | null;
  problems: string[];
}

export interface DashboardContext {
  repo: RepoRef;
  board: BoardSummary | null;
  /** Batches listed in the batch table, newest first; older ones are counted. */
  maxBatches?: number;
  /** `export`: the figures of `batchbot report`, not the dashboard issue. */
  source?: "issue" | "export";
}

const BAR_WIDTH = 10;

/** A text progress bar: `███░░░░░░░ 3/10`. */
export function progressBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `\`${"█".repeat(filled)}${"░".repeat(width - filled)}\` ${done}/${total}`;
}

export function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)}%`;
}

function ratioText(r: Ratio, what: string): string {
  return r.rate === null ? `— (no ${what} yet)` : `${percent(r.rate)} (${r.count} of ${r.of} ${what})`;
}

function age(days: number): string {
  return days === 0 ? "today" : `${days}d`;
}

function duration(hours: number | null): string {
  if (hours === null) return "—";
  return hours < 24 ? `${Math.round(hours)} h` : `${(hours / 24).toFixed(1)} d`;
}

/** Free text in a table cell: one line, no column breaks, no @mentions (an edited body would notify people). */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").replace(/@/g, "@\u200b").trim();
}

function blockerText(b: BlockerView): string {
  return `#${b.batch}: ${cell(b.reason)} (${age(b.ageDays)})`;
}

function agentRow(a: AgentProgress): string {
  const batch = a.current
    ? `#${a.current.number} (batch ${a.current.sequence}${a.openBatches > 1 ? `, +${a.openBatches - 1} open` : ""})`
    : "—";
  const progress = a.current ? progressBar(a.current.done, a.current.total) : "—";
  const blocked = a.blockers.length ? a.blockers.map(blockerText).join("<br>") : "—";
  return `| ${cell(a.agent)} | ${batch} | ${progress} | ${a.inReview} | ${blocked} | ${a.batchesCompleted} |`;
}

/** The compact per-agent table of the dashboard and of `/batch status`. */
export function renderAgentTable(agents: readonly AgentProgress[]): string {
  if (agents.length === 0)
    return "No agents yet: configure `agents:` in `.github/batch.yml` or assign a batch.";
  return [
    "| Agent | Current batch | Progress | In review | Blocked | Batches done |",
    "| --- | --- | --- | --- | --- | ---: |",
    ...agents.map(agentRow),
  ].join("\n");
}

function openByStatusLine(m: ProgressMetrics): string {
  const parts = (Object.entries(m.system.openByStatus) as Array<[BoardStatus, number]>).map(
    ([status, count]) => `${status} ${count}`,
  );
  return `**Open SPECs: ${m.system.openSpecs}** (${parts.join(" · ")}) · closed: ${m.system.closedSpecs}`;
}

function messagesText(m: ProgressMetrics): string {
  const msg = m.system.messages;
  if (msg.perSpec === null || msg.reduction === null) return "— (no batches yet)";
  const [low, high] = msg.traditional;
  return `${msg.perSpec.toFixed(2)} per SPEC against the traditional 3–4: ${percent(msg.reduction[0])}–${percent(msg.reduction[1])} fewer (${msg.total} messages instead of ${low}–${high} for ${msg.specs} SPECs)`;
}

function forecastText(m: ProgressMetrics): string {
  const f = m.system.forecast;
  if (f.open === 0) return "The queue is empty.";
  if (f.days === null || f.window === null)
    return `${f.open} open SPECs; no SPEC closed in 30 days, so no forecast.`;
  return `${f.open} open SPECs at ${f.velocity.toFixed(1)}/day (last ${f.window} days): empty in about ${f.days} day${f.days === 1 ? "" : "s"} (${f.date})`;
}

function systemTable(m: ProgressMetrics): string {
  const s = m.system;
  const rows: Array<[string, string]> = [
    [
      "Velocity (SPECs closed)",
      `${s.velocity.last7} in 7 days (${s.velocity.perDay7.toFixed(1)}/day) · ${s.velocity.last30} in 30 days (${s.velocity.perDay30.toFixed(1)}/day)`,
    ],
    [
      "Quality gate",
      s.gate.reviewed
        ? `first pass ${percent(s.gate.firstPass.rate)} (${s.gate.firstPass.count} validated without changes requested) · pass rate ${percent(s.gate.passed.rate)} (${s.gate.passed.count} of ${s.gate.reviewed} reviewed)`
        : "— (no SPEC reviewed yet)",
    ],
    [
      "E2E validation",
      s.e2e.configured
        ? ratioText(s.e2e, "finished SPECs validated")
        : "— (no `validation.e2e-check` configured)",
    ],
    ["Reuse (found existing)", ratioText(s.reuse, "SPECs")],
    ["Discovery success", ratioText(s.discovery, "investigated SPECs")],
    ["Messages", messagesText(m)],
    [
      "Batch time to completion",
      s.batchCompletion.completed
        ? `median ${duration(s.batchCompletion.medianHours)} over ${s.batchCompletion.completed} completed batch${s.batchCompletion.completed === 1 ? "" : "es"}`
        : "— (no batch completed yet)",
    ],
    ["Open blockers", String(s.openBlockers.length)],
    ["Forecast", forecastText(m)],
  ];
  return ["| Measure | Value |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

function batchRow(b: BatchMetrics): string {
  return `| #${b.number} | ${cell(b.agent)} | ${b.sequence} | ${b.state === "OPEN" ? "open" : "closed"} | ${progressBar(b.done, b.specs)} | ${duration(b.hoursToCompletion)} | ${percent(b.reuse)} | ${percent(b.e2e)} | ${b.messages} | ${b.blockers} |`;
}

function batchTable(batches: readonly BatchMetrics[], max: number): string {
  if (batches.length === 0) return "No batches yet.";
  const shown = [...batches].reverse().slice(0, max);
  return [
    "| Batch | Agent | # | State | Done | Time to completion | Reuse | E2E | Messages | Blockers |",
    "| --- | --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ...shown.map(batchRow),
    ...(batches.length > shown.length
      ? ["", `${batches.length - shown.length} older batches not shown.`]
      : []),
  ].join("\n");
}

function boardSection(board: BoardSummary): string[] {
  const link = board.url ? `[${cell(board.title ?? "Project board")}](${board.url})` : "The project board";
  return [
    "## Board",
    board.problems.length
      ? [`${link} needs attention:`, "", ...board.problems.map((p) => `- ${p}`)].join("\n")
      : `${link} is in sync: every SPEC and batch issue with its Status, Agent, Batch and Domain.`,
  ];
}

/** The dashboard issue body. Deterministic: the same metrics always render the same text. */
export function renderDashboard(metrics: ProgressMetrics, context: DashboardContext): string {
  const blockers = metrics.system.openBlockers;
  return [
    ...(context.source === "export"
      ? [
          `# ${DASHBOARD_TITLE}: ${context.repo.owner}/${context.repo.repo}`,
          "Progress of the Batch Assignment Framework, from an offline export (without label history, a SPEC counts as first-pass validated unless it carries the changes-requested label now).",
        ]
      : [
          DASHBOARD_MARKER,
          `Progress of the Batch Assignment Framework in ${context.repo.owner}/${context.repo.repo}. batchbot rewrites this issue when SPECs or batches change and never comments on it; \`/batch status\` gives the agent table in any issue.`,
        ]),
    "## Agents",
    renderAgentTable(metrics.agents),
    "## System",
    openByStatusLine(metrics),
    systemTable(metrics),
    ...(blockers.length
      ? ["### Open blockers", blockers.map((b) => `- ${blockerText(b)}, agent ${cell(b.agent)}`).join("\n")]
      : []),
    "## Batches",
    batchTable(metrics.batches, context.maxBatches ?? 20),
    ...(context.board ? boardSection(context.board) : []),
  ].join("\n\n");
}
