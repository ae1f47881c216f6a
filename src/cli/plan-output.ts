import {
  messageEfficiency,
  renderEfficiency,
  renderLeftovers,
  uniqueSpecs,
} from "../domain/assignment-report.js";
import type { BatchDraft } from "../domain/batch-message.js";
import type { Leftover, Plan } from "../domain/planner.js";
import type { RepoRef } from "../domain/references.js";

/** What `batchbot plan` prints: every batch message, the SPECs left over and the message saving. */
export function renderPlan(
  format: "markdown" | "json",
  plan: Plan,
  drafts: readonly BatchDraft[],
  repo: RepoRef,
  domain: string | null,
): string {
  const specs = uniqueSpecs(drafts.map((d) => d.meta));
  return format === "json" ? planJson(plan, drafts, specs) : planMarkdown(plan, drafts, specs, repo, domain);
}

function planMarkdown(
  plan: Plan,
  drafts: readonly BatchDraft[],
  specs: number,
  repo: RepoRef,
  domain: string | null,
): string {
  const parts = [`# Batch plan: ${drafts.length} batch${drafts.length === 1 ? "" : "es"} for ${specs} SPECs`];
  for (const d of drafts) parts.push("---", `**${d.title}**`, d.message.trimEnd());
  parts.push("---");
  parts.push(renderLeftovers(plan.leftovers, repo, domain) ?? "Nothing left over.");
  parts.push(renderEfficiency(specs, drafts.length));
  return `${parts.join("\n\n")}\n`;
}

function planJson(plan: Plan, drafts: readonly BatchDraft[], specs: number): string {
  return `${JSON.stringify(
    {
      batches: drafts.map((d) => ({
        agent: d.meta.agent,
        title: d.title,
        specs: d.meta.specs,
        fixes: d.meta.fixes,
        shared: d.meta.shared,
        message: d.message,
      })),
      leftovers: plan.leftovers.map(leftoverJson),
      messages: messageEfficiency(specs, drafts.length),
    },
    null,
    2,
  )}\n`;
}

function leftoverJson(l: Leftover) {
  return {
    number: l.spec.number,
    title: l.spec.title,
    reason: l.reason,
    ...(l.batch ? { batch: l.batch } : {}),
    ...(l.waitingOn?.length
      ? { waitingOn: l.waitingOn.map((w) => ({ ...w, ref: `${w.ref.owner}/${w.ref.repo}#${w.ref.number}` })) }
      : {}),
    ...(l.problems?.length ? { problems: l.problems } : {}),
    ...(l.reason === "assigned" ? { assignees: l.spec.assignees } : {}),
  };
}
