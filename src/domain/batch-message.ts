import { type BatchIssue, type BatchMeta, encodeBatchMeta } from "./batch.js";
import { renderTemplate, type TemplateValues } from "./batch-template.js";
import { type Discovery, renderSuccessPattern, successPattern } from "./knowledge.js";
import { visibleLines } from "./markdown.js";
import { escapeMentions, quietMention } from "./mention-escape.js";
import type { Plan, PlannedBatch, PlannedSpec } from "./planner.js";
import { dependencyStatus } from "./readiness.js";
import { refKey } from "./references.js";
import type { Registry } from "./registry.js";

/** The seed's five steps, in every batch. */
export const EXECUTION_PROTOCOL = [
  "Investigate all SPECs using Systematic Investigation Protocol",
  "Run E2E tests to verify actual functionality",
  "Batch submit plans for all SPECs",
  "Implement after approval",
  "Report only when: All complete OR blocked OR found existing",
] as const;

/** A batch issue ready to be opened. */
export interface BatchDraft {
  title: string;
  /** The rendered template: what the agent reads (and what the command line prints). */
  message: string;
  /** The issue body: the message and the hidden metadata block. */
  body: string;
  meta: BatchMeta;
  batch: PlannedBatch;
}

export interface DraftContext {
  registry: Registry;
  /** Every batch issue of the repository, open and closed: for k and for the agent's earlier discoveries. */
  batches: readonly BatchIssue[];
  template: string;
  sourceCommentId: number;
  createdAt: string;
  /** The knowledge registry's discoveries (and its issue number), quoted in each batch's SUCCESS PATTERN. */
  knowledge?: { entries: readonly Discovery[]; registry: number | null };
}

export function batchId(sourceCommentId: number, agent: string): string {
  return `${sourceCommentId}:${agent}`;
}

export function batchTitle(sequence: number, agent: string, count: number): string {
  return `Batch ${sequence} for @${agent}: ${count} SPEC${count === 1 ? "" : "s"}`;
}

const sameAgent = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function draftBatches(plan: Plan, ctx: DraftContext): BatchDraft[] {
  const holders = new Map<string, string[]>();
  for (const batch of plan.batches)
    for (const planned of batch.specs) {
      const list = holders.get(planned.spec.key);
      if (list) list.push(batch.agent);
      else holders.set(planned.spec.key, [batch.agent]);
    }
  return plan.batches.map((batch) => draftBatch(batch, ctx, holders));
}

function draftBatch(
  batch: PlannedBatch,
  ctx: DraftContext,
  holders: ReadonlyMap<string, string[]>,
): BatchDraft {
  const id = batchId(ctx.sourceCommentId, batch.agent);
  const earlier = ctx.batches
    .filter((b) => sameAgent(b.meta.agent, batch.agent) && b.meta.id !== id)
    .sort((a, b) => a.meta.sequence - b.meta.sequence || a.number - b.number);
  const sequence = earlier.length + 1;
  const line = (planned: PlannedSpec, n: number) => {
    const others = (holders.get(planned.spec.key) ?? []).filter((a) => !sameAgent(a, batch.agent));
    return taskLine(planned, n, others);
  };
  const fixes = batch.specs.filter((s) => s.kind === "fix");
  const news = batch.specs.filter((s) => s.kind === "new");
  const fixTasks = fixes.map((s, i) => line(s, i + 1)).join("\n");
  const newTasks = news.map((s, i) => line(s, fixes.length + i + 1)).join("\n");
  const domains = [...new Set(batch.specs.flatMap((s) => s.spec.domains))].sort();
  const shared = ctx.knowledge
    ? renderSuccessPattern(
        successPattern(ctx.knowledge.entries, batch.agent, domains),
        ctx.knowledge.registry,
        {
          quote: escapeMentions,
          name: quietMention,
        },
      )
    : "";
  const found = [discoveries(earlier, ctx), shared].filter(Boolean).join("\n\n");
  const values: TemplateValues = {
    agent: `@${batch.agent}`,
    sequence: String(sequence),
    count: String(batch.specs.length),
    fix_count: String(fixes.length),
    new_count: String(news.length),
    domains: domains.length ? domains.join(", ") : "any",
    priority_fixes: fixTasks ? `### PRIORITY FIXES (Fix Partial SPECs):\n${fixTasks}` : "",
    new_implementations: newTasks ? `### NEW IMPLEMENTATIONS:\n${newTasks}` : "",
    fix_tasks: fixTasks,
    new_tasks: newTasks,
    tasks: [fixTasks, newTasks].filter(Boolean).join("\n"),
    protocol: EXECUTION_PROTOCOL.map((step, i) => `${i + 1}. ${step}`).join("\n"),
    success_pattern: found ? `## 💡 SUCCESS PATTERN:\n${found}` : "",
    discoveries: found,
  };
  const message = renderTemplate(ctx.template, values);
  const meta: BatchMeta = {
    v: 1,
    id,
    agent: batch.agent,
    sequence,
    specs: batch.specs.map((s) => s.spec.number),
    fixes: fixes.map((s) => s.spec.number),
    shared: batch.specs.filter((s) => s.shared).map((s) => s.spec.number),
    sourceCommentId: ctx.sourceCommentId,
    createdAt: ctx.createdAt,
  };
  return {
    title: batchTitle(sequence, batch.agent, batch.specs.length),
    message,
    body: `${message}\n${encodeBatchMeta(meta)}\n`,
    meta,
    batch,
  };
}

/** `- [ ] 3. #12 Title · domain`, with what to fix for a partial SPEC and who else has a shared one. */
function taskLine(planned: PlannedSpec, n: number, sharedWith: string[]): string {
  const { spec } = planned;
  const parts = [`- [ ] ${n}. #${spec.number} ${escapeMentions(spec.title)}`];
  if (spec.domains.length) parts.push(escapeMentions(spec.domains.join(", ")));
  if (sharedWith.length) parts.push(`shared with ${sharedWith.map(quietMention).join(", ")}`);
  let text = parts.join(" · ");
  if (planned.kind === "fix") {
    const remaining = remainingWork(spec.body);
    if (remaining) text += ` — **fix:** ${remaining}`;
  }
  return text;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const MAX_REMAINING = 300;

/** The SPEC's `## Remaining` section as one line (list items joined), or null when it has none. */
export function remainingWork(body: string): string | null {
  const raw = body.replace(/\r\n?/g, "\n").split("\n");
  const visible = visibleLines(body);
  let level = 0;
  const items: string[] = [];
  for (let i = 0; i < visible.length; i++) {
    const heading = HEADING.exec(visible[i]!);
    if (heading) {
      const depth = heading[1]!.length;
      if (level && depth <= level) break;
      if (!level && /^remaining\b/i.test(heading[2]!.replace(/[*_:]/g, "").trim())) level = depth;
      continue;
    }
    if (!level || !visible[i]!.trim()) continue;
    const item = raw[i]!.replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, "").trim();
    if (item) items.push(item);
  }
  if (!items.length) return null;
  const joined = escapeMentions(items.join("; "));
  return joined.length > MAX_REMAINING ? `${joined.slice(0, MAX_REMAINING - 1).trimEnd()}…` : joined;
}

/** What the agent's earlier batches produced: SPECs completed and implementations found to exist already. */
function discoveries(earlier: readonly BatchIssue[], ctx: DraftContext): string {
  const lines: string[] = [];
  for (const batch of earlier) {
    const completed = batch.meta.specs.filter((number) => {
      const spec = ctx.registry.specs.get(refKey({ ...ctx.registry.repo, number }));
      return spec?.state === "CLOSED" && dependencyStatus(spec).kind === "completed";
    });
    if (completed.length)
      lines.push(
        `- Batch ${batch.meta.sequence} (#${batch.number}): completed ${completed.map((n) => `#${n}`).join(", ")}`,
      );
    for (const found of batch.meta.foundExisting ?? [])
      lines.push(`- #${found.spec} already existed: ${escapeMentions(found.where)}`);
  }
  return lines.length ? ["Build on what your earlier batches found:", ...lines].join("\n") : "";
}
