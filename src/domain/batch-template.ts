import type { ConfigProblem } from "./config.js";

export const TEMPLATE_PATH = ".github/batch-template.md";

/** The placeholders a batch template may use, as data: the docs/assignment.md table and the error message come from it. */
export const PLACEHOLDERS = {
  agent: "the agent, as `@login` (the mention that notifies them)",
  sequence: "k in “Batch k”: 1 + the agent's earlier batches",
  count: "how many SPECs the batch holds",
  fix_count: "how many of them are priority fixes (partial SPECs)",
  new_count: "how many are new implementations",
  domains: "the domains the batch draws from, or `any`",
  priority_fixes:
    "the `### PRIORITY FIXES` heading and its numbered task list (each with the SPEC's `## Remaining` work); empty when there are none",
  new_implementations:
    "the `### NEW IMPLEMENTATIONS` heading and its numbered task list (each with the SPEC's goal: its `## Goal` or first paragraph); empty when there are none",
  fix_tasks: "the priority-fix task lines alone",
  new_tasks: "the new-implementation task lines alone",
  tasks: "every task line, fixes first",
  protocol: "the five steps of the autonomous execution protocol, numbered",
  validation:
    "the `## ✅ B1/B2 VALIDATION PATH` heading and its steps: who validates B1 and B2 (the configured validators, or two collaborators with write access), how approval is given (a review on the pull request that closes the SPEC, or `/batch approve b1` and `b2` on the SPEC), the E2E check when one is configured",
  validation_steps: "the validation path's lines alone",
  success_criteria:
    "the `## 🎯 SUCCESS CRITERIA` heading and each SPEC's criteria (the list under its first heading named in `message.criteria-headings`), or a line saying the SPEC defines none",
  criteria: "the success criteria list alone",
  success_pattern:
    "the `## 💡 SUCCESS PATTERN` heading and the agent's discoveries, or a line saying there are none yet (never empty)",
  discoveries:
    "what the agent's earlier batches found, and the knowledge registry's latest discoveries of the agent and the batch's domains (at most five); else a line saying there are none yet",
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;
export type TemplateValues = Record<PlaceholderName, string>;

/**
 * The seed's "Batch Assignment Template", written with the placeholders, in the seed's order; its Quality
 * Integration (the B1/B2 validation path, each SPEC's success criteria) comes after the protocol.
 */
export const DEFAULT_TEMPLATE = `# 🚀 BATCH ASSIGNMENT - {{agent}}

## Mission: Complete {{count}} SPECs for rapid completion

## 📋 YOUR BATCH ASSIGNMENT:

{{priority_fixes}}

{{new_implementations}}

## 🔧 AUTONOMOUS EXECUTION PROTOCOL:
{{protocol}}

{{validation}}

{{success_criteria}}

{{success_pattern}}

Start investigation immediately.
`;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type TemplateResult = { ok: true; template: string } | { ok: false; problems: ConfigProblem[] };

function isPlaceholder(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** Checks a repository's template: every `{{name}}` must be a known placeholder, and every SPEC must be listed. */
export function parseTemplate(text: string): TemplateResult {
  const problems: ConfigProblem[] = [];
  const used = new Set<string>();
  const known = Object.keys(PLACEHOLDERS)
    .map((n) => `{{${n}}}`)
    .join(", ");
  text.split(/\r?\n/).forEach((line, i) => {
    for (const match of line.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      if (isPlaceholder(name)) used.add(name);
      else
        problems.push({
          path: `line ${i + 1}`,
          message: `unknown placeholder \`${match[0]}\`; known placeholders: ${known}`,
        });
    }
  });
  const listsFixes = ["tasks", "priority_fixes", "fix_tasks"].some((n) => used.has(n));
  const listsNew = ["tasks", "new_implementations", "new_tasks"].some((n) => used.has(n));
  if (!listsFixes || !listsNew)
    problems.push({
      path: "(template)",
      message:
        "the template must list the batch's SPECs: use `{{tasks}}`, or `{{priority_fixes}}` (or `{{fix_tasks}}`) together with `{{new_implementations}}` (or `{{new_tasks}}`)",
    });
  return problems.length ? { ok: false, problems } : { ok: true, template: text };
}

/** Fills a checked template. Values are inserted once, never rescanned; empty sections leave no gap behind. */
export function renderTemplate(template: string, values: TemplateValues): string {
  const filled = template.replace(PLACEHOLDER, (whole, name: string) =>
    isPlaceholder(name) ? values[name] : whole,
  );
  return `${filled
    .replace(/\r\n?/g, "\n")
    .replace(/^[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
