import type { BatchConfig } from "./config.js";
import { escapeMentions, quietMention } from "./mention-escape.js";
import type { PlannedSpec } from "./planner.js";
import { acceptanceCriteria } from "./spec-criteria.js";
import { cut } from "./spec-sections.js";

/** How much of each SPEC's text a message quotes; a message over its limit is rendered again with less. */
export interface Detail {
  /** Characters of a new SPEC's goal; 0 leaves the goal out. */
  goal: number;
  /** Criteria quoted per SPEC (the rest is counted), and characters per criterion; 0 points to the SPEC. */
  criteria: number;
  criterion: number;
  /** Lines of the agent's earlier batches in the SUCCESS PATTERN (the latest kept). */
  history: number;
}

export const FULL_DETAIL: Detail = { goal: 300, criteria: 20, criterion: 300, history: 50 };

const or = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;

/**
 * The seed's B1/B2 validation path: who validates each stage, how approval is given (a review on the pull request
 * that closes the SPEC, or `/batch approve b1|b2` on the SPEC when there is no pull request), and the E2E check.
 */
export function validationSteps(config: BatchConfig): string {
  const v = config.validation;
  const who = (stage: "b1" | "b2") => {
    const named = v?.[stage] ?? [];
    return named.length ? named.map(quietMention).join(", ") : "a collaborator with write access";
  };
  const nobodyNamed = !v?.b1.length && !v?.b2.length;
  const distinct = !v || v.distinct;
  const validators = nobodyNamed
    ? `- **Validators:** two collaborators with write access${distinct ? " (two different people)" : ""}, never the SPEC's author.`
    : `- **Validators:** **B1** ${who("b1")} · **B2** ${who("b2")}${distinct ? " (two different people)" : ""}.`;
  const lines = [
    validators,
    "- **Approval:** open a pull request that closes the SPEC (`Closes #N` in its description); B1 and B2 each approve it with a review. Without a pull request (the SPEC was found existing), they comment `/batch approve b1` and `/batch approve b2` on the SPEC.",
  ];
  const e2e = v?.["e2e-check"];
  if (e2e) lines.push(`- **E2E:** the \`${e2e.replace(/`/g, "'")}\` check must pass on the pull request.`);
  if (!v || v["dismiss-stale"])
    lines.push("- **Changes requested:** fix them and push; a new push asks B1 and B2 to approve again.");
  else lines.push("- **Changes requested:** fix them and push, then ask the validator to approve again.");
  lines.push("- A SPEC closes as done once B1 and B2 have approved it; closing it earlier reopens it.");
  return lines.join("\n");
}

/**
 * Each SPEC's success criteria: the list items of its first section titled like one of `headings`; a SPEC
 * without such a section gets one line saying it defines none.
 */
export function criteriaList(
  specs: readonly PlannedSpec[],
  headings: readonly string[],
  detail: Detail,
): string {
  const none = `defines no success criteria (no ${or(headings.map((h) => `\`${h}\``))} section): state in your plan how you will show it works.`;
  return specs
    .map(({ spec }) => {
      const title = `- #${spec.number} ${escapeMentions(spec.title)}`;
      if (detail.criteria === 0) return `${title}: see the SPEC.`;
      const items = acceptanceCriteria(spec.body, headings);
      if (!items.length) return `${title} ${none}`;
      const shown = items.slice(0, detail.criteria).map((item) => `  - ${criterion(item, detail.criterion)}`);
      if (items.length > shown.length) shown.push(`  - … ${items.length - shown.length} more in the SPEC`);
      return [`${title}:`, ...shown].join("\n");
    })
    .join("\n");
}

/** A criterion as quoted text: defused, one line, never read back as a task line (`[ ]` escaped). */
function criterion(item: string, max: number): string {
  const text = cut(escapeMentions(item.replace(/\s+/g, " ")), max);
  return text.startsWith("[") ? `\\${text}` : text;
}
