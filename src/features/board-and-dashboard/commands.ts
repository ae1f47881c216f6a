import { renderAgentTable } from "../../domain/dashboard.js";
import { atLeast, permissionOf } from "../../github/permissions.js";
import type { CommandContext, CommandDefinition, CommandOutcome } from "../shared/command-registry.js";
import type { SyncOutcome, SyncStep } from "../shared/steps.js";
import type { ProgressRefresh } from "./events.js";
import { type ProgressReport, readProgressState, refreshProgress } from "./run.js";
import { type SyncState, syncRepositoryState } from "./sync-state.js";

/** Who may run the commands that write (`/batch dashboard`, `/batch sync`): they only repair derived state. */
const WRITERS = "people with triage access or more";

async function refused(ctx: CommandContext, command: string): Promise<CommandOutcome | null> {
  if (atLeast(await permissionOf(ctx.octokit, ctx.repo, ctx.sender), "triage")) return null;
  return { reply: `\`/batch ${command}\` is for ${WRITERS} in this repository.`, reaction: "-1" };
}

function dashboardLink(number: number | null): string {
  return number === null ? "No dashboard yet: `/batch dashboard` opens one." : `Dashboard: #${number}`;
}

export function statusCommand(): CommandDefinition {
  return {
    help: {
      name: "status",
      usage: "/batch status",
      description:
        "Replies with each agent's current batch, progress, reviews and blockers, and links the dashboard.",
      whoCanUse: "anyone",
      examples: ["/batch status"],
    },
    async run(ctx) {
      const { metrics, dashboard } = await readProgressState(ctx, new Date(), false);
      const open = Object.entries(metrics.system.openByStatus)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${status} ${n}`)
        .join(" · ");
      return {
        reply: [
          "### Batch status",
          renderAgentTable(metrics.agents),
          `Open SPECs: ${metrics.system.openSpecs}${open ? ` (${open})` : ""}. ${dashboardLink(dashboard?.number ?? null)}`,
        ].join("\n\n"),
      };
    },
  };
}

export function dashboardCommand(): CommandDefinition {
  return {
    help: {
      name: "dashboard",
      usage: "/batch dashboard",
      description:
        "Opens the dashboard issue (or reopens it), pins it and brings it up to date. It is also opened by the first batch.",
      whoCanUse: WRITERS,
      examples: ["/batch dashboard"],
    },
    async run(ctx) {
      const denied = await refused(ctx, "dashboard");
      if (denied) return denied;
      if (!ctx.config.dashboard.enabled)
        return { reply: "The dashboard is turned off (`dashboard.enabled: false` in `.github/batch.yml`)." };
      const report = await refreshProgress(ctx, { dashboard: "open" });
      const { number, action } = report.dashboard;
      const what =
        action === "created" ? "is open" : action === "reopened" ? "is open again" : "is up to date";
      return { reply: `The dashboard ${what}: #${number}.${failureLines(report)}` };
    },
  };
}

/** `/batch sync`: the `steps` (the pipeline's other features) in order, then the board and the dashboard. */
export function syncCommand(steps: readonly SyncStep[], refresher?: ProgressRefresh): CommandDefinition {
  return {
    help: {
      name: "sync",
      usage: "/batch sync",
      description:
        "Re-syncs the whole repository: readiness labels, the quality gate of open pull requests, batch task lists and reports, the project board and the dashboard; replies with what it repaired.",
      whoCanUse: WRITERS,
      examples: ["/batch sync"],
    },
    async run(ctx) {
      const denied = await refused(ctx, "sync");
      if (denied) return denied;
      const { steps: repaired, progress } = await syncRepositoryState(ctx, steps, refresher);
      return { reply: syncReply(repaired, progress) };
    },
  };
}

function failureLines(report: Pick<ProgressReport, "failures">, more: readonly string[] = []): string {
  const failures = [...more, ...report.failures];
  if (failures.length === 0) return "";
  const shown = failures.slice(0, 10).map((f) => `- ${f}`);
  if (failures.length > shown.length) shown.push(`- and ${failures.length - shown.length} more`);
  return `\n\nGitHub refused ${failures.length} write${failures.length === 1 ? "" : "s"}:\n${shown.join("\n")}`;
}

function syncReply(steps: readonly SyncOutcome[], progress: SyncState["progress"]): string {
  const lines = steps.map((s) => s.line).filter((line) => line !== "");
  const board = progress.board;
  if (board) {
    const repaired = [
      ...(board.createdFields.length ? [`created the fields ${board.createdFields.join(", ")}`] : []),
      ...(board.added.length
        ? [`added ${board.added.length} issue${board.added.length === 1 ? "" : "s"}`]
        : []),
      ...(board.written ? [`set ${board.written} field value${board.written === 1 ? "" : "s"}`] : []),
    ];
    lines.push(`- Board (${board.project}): ${repaired.length ? repaired.join(", ") : "all right"}`);
    for (const problem of board.problems) lines.push(`  - ${problem}`);
  }
  const { number, action } = progress.dashboard;
  const dashboard: Record<typeof action, string> = {
    created: `opened #${number}`,
    updated: `#${number} brought up to date`,
    reopened: `#${number} reopened`,
    unchanged: `#${number} already up to date`,
    closed: `#${number} is closed; \`/batch dashboard\` reopens it`,
    none: "none yet (it opens with the first batch, or with `/batch dashboard`)",
    disabled: "turned off in `.github/batch.yml`",
  };
  lines.push(`- Dashboard: ${dashboard[action]}`);
  return `### Sync\n\n${lines.join("\n")}${failureLines(
    progress,
    steps.flatMap((s) => s.failures),
  )}`;
}
