import type { BatchMeta } from "./batch.js";
import { escapeMentions, quietMention } from "./mention-escape.js";
import type { Leftover, LeftoverReason, WaitingOn } from "./planner.js";
import type { DependencyProblem } from "./readiness.js";
import { type RepoRef, refKey, shortRef } from "./references.js";

/** GitHub refuses comments over 65,536 characters; the reply stays well below. */
export const REPLY_LIMIT = 60_000;
const ITEMS_PER_REASON = 60;

export const LEFTOVER_REASONS: Record<LeftoverReason, string> = {
  blocked: "Blocked by dependencies",
  "in-batch": "Already in an open batch",
  assigned: "Already assigned outside batchbot",
  "no-agent": "No agent takes their domain",
  "no-capacity": "No room left: every batch is full",
  "other-domain": "Outside the requested domain",
};

export interface ReportedBatch {
  title: string;
  meta: BatchMeta;
  /** The batch message, for a dry run's preview. */
  message: string | null;
  /** The opened batch issue; null in a dry run, or when GitHub refused to open it. */
  number: number | null;
}

export interface AssignmentReport {
  repo: RepoRef;
  dryRun: boolean;
  batches: ReportedBatch[];
  leftovers: readonly Leftover[];
  /** Agents that were asked for and got no batch. */
  idle: readonly string[];
  /** Things the reader must know: agents that can't be assigned, writes GitHub refused. */
  notes: readonly string[];
  domain: string | null;
}

/** The one reply to `/batch assign` (or its dry run). */
export function renderAssignmentReply(report: AssignmentReport): string {
  const specs = uniqueSpecs(report.batches.map((b) => b.meta));
  const opened = report.batches.filter((b) => report.dryRun || b.number !== null);
  const heading = report.dryRun
    ? `### 📋 Batch plan (dry run: nothing was written): ${plural(opened.length, "batch", "batches")}, ${plural(specs, "SPEC")}`
    : opened.length
      ? `### 🚀 Opened ${plural(opened.length, "batch", "batches")} for ${plural(specs, "SPEC")}`
      : "### No batch opened";
  const parts = [heading];
  if (report.batches.length) parts.push(batchTable(report));
  else parts.push("No batch: no agent could take any SPEC.");
  if (report.idle.length)
    parts.push(`No work for ${report.idle.map(quietMention).join(", ")}: nothing left that they can take.`);
  if (report.notes.length) parts.push(report.notes.map((n) => `- ${n}`).join("\n"));
  const leftovers = renderLeftovers(report.leftovers, report.repo, report.domain);
  if (leftovers) parts.push(leftovers);
  if (specs) parts.push(renderEfficiency(specs, opened.length));
  if (report.dryRun) {
    let budget = REPLY_LIMIT - parts.join("\n\n").length;
    let hidden = 0;
    for (const { title, message } of report.batches) {
      if (message === null) continue;
      const details = `<details><summary>${escapeMentions(title)}</summary>\n\n${escapeMentions(message)}\n</details>`;
      if (details.length + 2 > budget) {
        hidden++;
        continue;
      }
      budget -= details.length + 2;
      parts.push(details);
    }
    if (hidden)
      parts.push(
        `${plural(hidden, "batch message")} not shown (comment size limit); \`batchbot plan\` prints them all.`,
      );
  }
  return parts.join("\n\n");
}

function batchTable(report: AssignmentReport): string {
  const rows = report.batches.map(({ title, meta, number }) => {
    const fixes = meta.fixes.length;
    const where = report.dryRun ? escapeMentions(title) : number !== null ? `#${number}` : "not opened";
    return `| ${where} | ${quietMention(meta.agent)} | ${meta.specs.length} | ${fixes} | ${meta.specs.length - fixes} | ${meta.shared.length} |`;
  });
  return [
    "| batch | agent | SPECs | priority fixes | new | shared |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** The SPECs no batch took, grouped by reason; null when there are none. */
export function renderLeftovers(
  leftovers: readonly Leftover[],
  repo: RepoRef,
  domain: string | null = null,
): string | null {
  if (!leftovers.length) return null;
  const lines = [`#### Left over: ${plural(leftovers.length, "SPEC")}`];
  for (const reason of Object.keys(LEFTOVER_REASONS) as LeftoverReason[]) {
    const group = leftovers.filter((l) => l.reason === reason);
    if (!group.length) continue;
    const label = `**${LEFTOVER_REASONS[reason]}** (${group.length})`;
    if (reason === "other-domain") {
      lines.push(`- ${label}: not \`${escapeMentions(domain ?? "")}\`, so not considered.`);
      continue;
    }
    const shown = group.slice(0, ITEMS_PER_REASON).map((l) => describeLeftover(l, repo));
    const more = group.length > shown.length ? `and ${group.length - shown.length} more` : null;
    if (reason === "blocked")
      lines.push(`- ${label}:`, ...[...shown, ...(more ? [more] : [])].map((item) => `  - ${item}`));
    else lines.push(`- ${label}: ${[...shown, ...(more ? [more] : [])].join(", ")}`);
  }
  return lines.join("\n");
}

function describeLeftover(leftover: Leftover, repo: RepoRef): string {
  const ref = `#${leftover.spec.number}`;
  switch (leftover.reason) {
    case "blocked": {
      const problems = leftover.problems ?? [];
      const named = new Set(
        problems.flatMap((p) => (p.kind === "cycle" ? p.path : "ref" in p ? [p.ref] : [])).map(refKey),
      );
      const waiting = (leftover.waitingOn ?? []).filter((w) => !named.has(refKey(w.ref)));
      const why = [
        ...problems.map((p) => describeProblem(p, repo)),
        ...(waiting.length ? [`waits on ${waiting.map((w) => describeWaiting(w, repo)).join(", ")}`] : []),
      ];
      return `${ref}: ${why.join("; ")}`;
    }
    case "in-batch":
      return leftover.batch
        ? `${ref} (#${leftover.batch.number}, ${quietMention(leftover.batch.agent)})`
        : ref;
    case "assigned":
      return `${ref} (${leftover.spec.assignees.map(quietMention).join(", ")})`;
    case "no-agent":
      return `${ref} (${escapeMentions(leftover.spec.domains.join(", "))})`;
    default:
      return ref;
  }
}

function describeWaiting(w: WaitingOn, repo: RepoRef): string {
  const ref = shortRef(w.ref, repo);
  if (w.plannedFor) return `${ref} (planned for ${quietMention(w.plannedFor)})`;
  if (w.inBatch !== null) return `${ref} (in batch #${w.inBatch})`;
  return ref;
}

function describeProblem(problem: DependencyProblem, repo: RepoRef): string {
  if (problem.kind === "cycle")
    return `dependency cycle ${problem.path.map((r) => shortRef(r, repo)).join(" → ")}`;
  if (problem.kind === "too-many") return `names more than ${problem.limit} dependencies`;
  if (problem.kind === "unreadable")
    return `depends on ${shortRef(problem.ref, repo)}, which batchbot can't read`;
  return `depends on ${shortRef(problem.ref, repo)}, closed as ${problem.reason}`;
}

export interface MessageEfficiency {
  specs: number;
  agents: number;
  /** 3–4 messages per SPEC when each SPEC is assigned, discussed and reported on its own. */
  traditional: { min: number; max: number };
  /** One assignment and one completion report per agent. */
  batched: number;
  /** Percent fewer messages, against the low and the high traditional count. */
  saved: { min: number; max: number };
}

export function messageEfficiency(specs: number, agents: number): MessageEfficiency {
  const traditional = { min: 3 * specs, max: 4 * specs };
  const batched = 2 * agents;
  const pct = (of: number) => (of ? Math.round((1 - batched / of) * 100) : 0);
  return {
    specs,
    agents,
    traditional,
    batched,
    saved: { min: pct(traditional.min), max: pct(traditional.max) },
  };
}

export function renderEfficiency(specs: number, agents: number): string {
  const e = messageEfficiency(specs, agents);
  return `**Messages:** ${e.batched} with batches (2 per agent × ${e.agents}) instead of ${e.traditional.min}–${e.traditional.max} one SPEC at a time (3–4 per SPEC × ${e.specs}): ${e.saved.min}–${e.saved.max}% fewer.`;
}

export function uniqueSpecs(batches: readonly Pick<BatchMeta, "specs">[]): number {
  return new Set(batches.flatMap((b) => b.specs)).size;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
