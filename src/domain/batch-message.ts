import { type BatchIssue, type BatchMeta, encodeBatchMeta } from "./batch.js";
import { renderTemplate, type TemplateValues } from "./batch-template.js";
import type { BatchConfig } from "./config.js";
import { type Discovery, renderSuccessPattern, successPattern } from "./knowledge.js";
import { escapeMentions, quietMention } from "./mention-escape.js";
import { fitMessage, MESSAGE_DETAILS, MESSAGE_LIMIT } from "./message-limit.js";
import type { Plan, PlannedBatch, PlannedSpec } from "./planner.js";
import { criteriaList, type Detail, validationSteps } from "./quality-integration.js";
import { dependencyStatus } from "./readiness.js";
import { refKey } from "./references.js";
import type { Registry } from "./registry.js";
import { remainingWork, specGoal } from "./spec-sections.js";

export { remainingWork } from "./spec-sections.js";

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
  /** Validators, the E2E check and the success-criteria headings come from it. */
  config: BatchConfig;
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
  const fixes = batch.specs.filter((s) => s.kind === "fix");
  let message = "";
  for (const detail of MESSAGE_DETAILS) {
    message = renderTemplate(
      ctx.template,
      templateValues(batch, ctx, { holders, earlier, sequence, detail }),
    );
    if (message.length <= MESSAGE_LIMIT) break;
  }
  message = fitMessage(message);
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

interface Rendering {
  holders: ReadonlyMap<string, string[]>;
  earlier: readonly BatchIssue[];
  sequence: number;
  detail: Detail;
}

function templateValues(batch: PlannedBatch, ctx: DraftContext, r: Rendering): TemplateValues {
  const line = (planned: PlannedSpec, n: number) => {
    const others = (r.holders.get(planned.spec.key) ?? []).filter((a) => !sameAgent(a, batch.agent));
    return taskLine(planned, n, others, r.detail);
  };
  const fixes = batch.specs.filter((s) => s.kind === "fix");
  const news = batch.specs.filter((s) => s.kind === "new");
  const fixTasks = fixes.map((s, i) => line(s, i + 1)).join("\n");
  const newTasks = news.map((s, i) => line(s, fixes.length + i + 1)).join("\n");
  const domains = [...new Set(batch.specs.flatMap((s) => s.spec.domains))].sort();
  const steps = validationSteps(ctx.config);
  const criteria = criteriaList(batch.specs, ctx.config.message["criteria-headings"], r.detail);
  const found = successPatternText(batch.agent, domains, ctx, r);
  return {
    agent: `@${batch.agent}`,
    sequence: String(r.sequence),
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
    validation: `## ✅ B1/B2 VALIDATION PATH:\n${steps}`,
    validation_steps: steps,
    success_criteria: `## 🎯 SUCCESS CRITERIA:\n${criteria}`,
    criteria,
    success_pattern: `## 💡 SUCCESS PATTERN:\n${found}`,
    discoveries: found,
  };
}

/**
 * The SUCCESS PATTERN, on every batch: what the agent's earlier batches found, and the knowledge registry's latest
 * discoveries of the agent and the batch's domains; on a first batch without any, a line saying there are none yet.
 */
function successPatternText(
  agent: string,
  domains: readonly string[],
  ctx: DraftContext,
  r: Rendering,
): string {
  const shared = ctx.knowledge
    ? renderSuccessPattern(successPattern(ctx.knowledge.entries, agent, domains), ctx.knowledge.registry, {
        quote: escapeMentions,
        name: quietMention,
      })
    : "";
  const found = [discoveries(r.earlier, ctx, r.detail.history), shared].filter(Boolean).join("\n\n");
  if (found) return found;
  const where = domains.length ? ` in ${domains.map(escapeMentions).join(", ")}` : "";
  return `No discoveries yet${where}: record what you learn with \`/batch discovery <text>\`, and the next batches start from it.`;
}

/** `- [ ] 3. #12 Title · domain`, with what to fix for a partial SPEC, the goal of a new one, and who else has it. */
function taskLine(planned: PlannedSpec, n: number, sharedWith: string[], detail: Detail): string {
  const { spec } = planned;
  const parts = [`- [ ] ${n}. #${spec.number} ${escapeMentions(spec.title)}`];
  if (spec.domains.length) parts.push(escapeMentions(spec.domains.join(", ")));
  if (sharedWith.length) parts.push(`shared with ${sharedWith.map(quietMention).join(", ")}`);
  let text = parts.join(" · ");
  if (planned.kind === "fix") {
    const remaining = remainingWork(spec.body);
    if (remaining) text += ` — **fix:** ${remaining}`;
  } else if (detail.goal > 0) {
    const goal = specGoal(spec.body, detail.goal);
    if (goal) text += ` — **goal:** ${goal}`;
  }
  return text;
}

/** What the agent's earlier batches produced: SPECs completed and implementations found to exist already. */
function discoveries(earlier: readonly BatchIssue[], ctx: DraftContext, keep: number): string {
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
  if (!lines.length) return "";
  const dropped = lines.length - keep;
  const kept =
    dropped > 0
      ? [`- … ${dropped} earlier line${dropped === 1 ? "" : "s"} left out`, ...lines.slice(dropped)]
      : lines;
  return ["Build on what your earlier batches found:", ...kept].join("\n");
}
