import type { BatchConfig } from "./config.js";
import { encodeMetadata } from "./metadata.js";
import type { GateResult, GateSpec, Ignored, PullRequestGate, StageStatus } from "./quality-gate.js";
import { STAGES, type Stage, stageName } from "./stage-commands.js";

export const GATE_CHECK = "batchbot / quality gate";

export interface GateCheckOutput {
  status: "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral";
  title: string;
  summary: string;
}

export interface SpecGateEntry {
  spec: GateSpec;
  result: GateResult;
}

/** Who may validate each stage, as the configuration says. */
export function describeValidators(config: BatchConfig): string {
  const anyone = "any collaborator with write access other than the author";
  const v = config.validation;
  const list = (stage: Stage) => {
    const principals = v?.[stage] ?? [];
    return principals.length ? principals.map((p) => `@${p}`).join(", ") : anyone;
  };
  const distinct = !v || v.distinct ? " (two different people)" : "";
  return `Validators: **B1** ${list("b1")} · **B2** ${list("b2")}${distinct}.`;
}

function stageCell(status: StageStatus): string {
  if (status.kind === "approved")
    return `✅ approved by @${status.by}${status.via === "command" ? " (comment)" : ""}`;
  if (status.kind === "waiting") return "⏳ waiting";
  const who = status.by.map((b) => `@${b.login}${b.reason ? `: ${oneLine(b.reason)}` : ""}`).join("; ");
  return `❌ changes requested by ${who}`;
}

const E2E_CELL: Record<GateResult["e2e"], string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  running: "⏳ running",
  missing: "⏳ missing",
  "not-required": "—",
};

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function ignoredLine(entry: Ignored, spec: GateSpec): string | null {
  const who = `@${entry.login}`;
  const stage = entry.stage ? stageName(entry.stage) : "B1 or B2";
  switch (entry.reason) {
    case "app":
      return null;
    case "author":
      return `${who} wrote this pull request, and authors can't validate their own work.`;
    case "assignee":
      return `${who} is assigned to #${spec.number}, and assignees can't validate their own SPEC.`;
    case "not-a-validator":
      return `${who} is not a ${stage} validator.`;
    case "stale":
      return `${who} approved an older commit${entry.commit ? ` (\`${entry.commit.slice(0, 7)}\`)` : ""}; since new commits were pushed, the approval must be given again.`;
    case "distinct":
      return `${who} already counts for the other stage; ${stage} needs a different validator.`;
  }
}

function ignoredLines(entries: readonly SpecGateEntry[]): string[] {
  const lines = new Set<string>();
  for (const { spec, result } of entries)
    for (const entry of result.ignored) {
      const line = ignoredLine(entry, spec);
      if (line) lines.add(`- ${line}`);
    }
  return [...lines];
}

function refs(entries: readonly SpecGateEntry[]): string {
  return entries.map((e) => `#${e.spec.number}`).join(", ");
}

function title(entries: readonly SpecGateEntry[]): string {
  const passed = entries.filter((e) => e.result.outcome === "passed");
  const failed = entries.filter((e) => e.result.outcome === "failed");
  if (passed.length === entries.length)
    return entries.length === 1
      ? `SPEC #${entries[0]!.spec.number} validated by B1 and B2`
      : `All ${entries.length} SPECs validated by B1 and B2`;
  if (failed.length) {
    const changes = failed.filter((e) => STAGES.some((s) => e.result.stages[s].kind === "changes-requested"));
    return changes.length ? `Changes requested on ${refs(changes)}` : `E2E check failed on ${refs(failed)}`;
  }
  return entries.length === 1
    ? `Waiting for validation of SPEC #${entries[0]!.spec.number}`
    : `${passed.length} of ${entries.length} SPECs validated`;
}

/** The quality gate check run of one pull request: a row per SPEC it closes. */
export function renderGateCheck(entries: readonly SpecGateEntry[], config: BatchConfig): GateCheckOutput {
  if (entries.length === 0)
    return {
      status: "completed",
      conclusion: "neutral",
      title: "No SPEC linked",
      summary:
        "This pull request closes no SPEC issue (no `Closes #N` in its description and no linked SPEC), so there is nothing for B1 and B2 to validate.",
    };
  const e2eRequired = entries.some((e) => e.result.e2e !== "not-required");
  const header = e2eRequired
    ? "| SPEC | B1 | B2 | E2E |\n| --- | --- | --- | --- |"
    : "| SPEC | B1 | B2 |\n| --- | --- | --- |";
  const rows = entries.map(({ spec, result }) => {
    const cells = [
      `#${spec.number} ${oneLine(spec.title)}`,
      stageCell(result.stages.b1),
      stageCell(result.stages.b2),
    ];
    if (e2eRequired) cells.push(E2E_CELL[result.e2e]);
    return `| ${cells.join(" | ")} |`;
  });
  const ignored = ignoredLines(entries);
  const e2eName = config.validation?.["e2e-check"];
  const summary = [
    header,
    ...rows,
    ...(ignored.length ? ["", "**Not counted**", ...ignored] : []),
    "",
    describeValidators(config),
    `Validate with a review on this pull request (approve, or request changes), or with \`/batch approve b1\` / \`/batch approve b2\` / \`/batch reject b1 <reason>\` on the SPEC issue.${e2eName ? ` The \`${e2eName}\` check must also pass on the latest commit.` : ""}`,
  ].join("\n");
  const outcomes = entries.map((e) => e.result.outcome);
  if (outcomes.includes("failed"))
    return { status: "completed", conclusion: "failure", title: title(entries), summary };
  if (outcomes.every((o) => o === "passed"))
    return { status: "completed", conclusion: "success", title: title(entries), summary };
  return { status: "in_progress", title: title(entries), summary };
}

function stageLine(result: GateResult): string {
  const parts = STAGES.map((s) => `${stageName(s)} ${stageCell(result.stages[s])}`);
  if (result.e2e !== "not-required") parts.push(`E2E ${E2E_CELL[result.e2e]}`);
  return parts.join(" · ");
}

const PR_STATE: Record<string, string> = { OPEN: "open", MERGED: "merged", CLOSED: "closed without merging" };

/** What the sticky comment says when batchbot reopens a SPEC closed before it passed the gate. */
export function renderGateMissing(
  spec: GateSpec,
  closedBy: string,
  pullRequests: readonly PullRequestGate[],
  byCommands: GateResult,
  config: BatchConfig,
): string {
  const lines = [
    "### Quality gate",
    `@${closedBy} closed this SPEC as completed before B1 and B2 validated it, so batchbot reopened it.`,
    "",
  ];
  const merged = pullRequests.filter((p) => p.pullRequest.state === "MERGED");
  if (pullRequests.length === 0) lines.push("- No pull request closes this SPEC.");
  for (const { pullRequest, result } of pullRequests)
    lines.push(`- #${pullRequest.number} (${PR_STATE[pullRequest.state]}): ${stageLine(result)}`);
  lines.push(`- Comments on this SPEC: ${stageLine(byCommands)}`);
  const ignored = ignoredLines([
    ...pullRequests.map((p) => ({ spec, result: p.result })),
    { spec, result: byCommands },
  ]);
  if (ignored.length) lines.push("", "Not counted:", ...ignored);
  lines.push(
    "",
    merged.length
      ? "A SPEC closes as completed once a merged pull request passed the gate, or B1 and B2 approved it here."
      : "A SPEC closes as completed once a merged pull request that closes it passed the gate, or B1 and B2 approved it here with `/batch approve b1` and `/batch approve b2`.",
    describeValidators(config),
    "If it won't be done, close it as not planned. A maintainer can override with `/batch close --force <reason>`.",
  );
  return lines.join("\n");
}

export const FORCED_CLOSE_METADATA = "forced-close";

export interface ForcedClose {
  by: string;
  reason: string;
  at: string;
  /** The command comment, so a redelivered command changes nothing. */
  comment: number;
}

/** The record a forced close leaves on the SPEC, readable by people and (hidden metadata) by tools. */
export function renderForcedClose(record: ForcedClose): string {
  return [
    "### Closed past the quality gate",
    `@${record.by} closed this SPEC as completed with \`/batch close --force\` on ${record.at.slice(0, 10)}, without B1/B2 validation. Reason: ${oneLine(record.reason)}`,
    encodeMetadata(FORCED_CLOSE_METADATA, record),
  ].join("\n");
}
