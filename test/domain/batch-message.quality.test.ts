import { describe, expect, it } from "vitest";
import type { BatchIssue } from "../../src/domain/batch.js";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { taskLines } from "../../src/domain/batch-body.js";
import { draftBatches } from "../../src/domain/batch-message.js";
import { DEFAULT_TEMPLATE, parseTemplate } from "../../src/domain/batch-template.js";
import { type BatchConfig, defaultConfig, parseConfig } from "../../src/domain/config.js";
import type { Discovery } from "../../src/domain/knowledge.js";
import { WORD_JOINER } from "../../src/domain/mention-escape.js";
import { MESSAGE_LIMIT } from "../../src/domain/message-limit.js";
import { type PlanAgent, planBatches, planOptions } from "../../src/domain/planner.js";
import { specGoal } from "../../src/domain/spec-sections.js";
import { lookupFor, registryOf, type SpecShape } from "../helpers/specs.js";

const WJ = WORD_JOINER;

function configOf(input: unknown): BatchConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

function message(
  specs: SpecShape[],
  options: {
    config?: BatchConfig;
    template?: string;
    knowledge?: Discovery[];
    batches?: BatchIssue[];
    agents?: PlanAgent[];
  } = {},
) {
  const config = options.config ?? defaultConfig();
  const registry = registryOf(specs);
  const plan = planBatches({
    registry,
    status: lookupFor(registry),
    active: [],
    agents: options.agents ?? [{ login: "alice", domains: [] }],
    options: planOptions(config.batch),
  });
  const [draft] = draftBatches(plan, {
    config,
    registry,
    batches: options.batches ?? [],
    template: options.template ?? DEFAULT_TEMPLATE,
    sourceCommentId: 7,
    createdAt: "2026-11-29T00:00:00Z",
    ...(options.knowledge ? { knowledge: { entries: options.knowledge, registry: 90 } } : {}),
  });
  return draft!;
}

const section = (text: string, heading: string) => {
  const start = text.indexOf(heading);
  if (start === -1) return null;
  const end = text.indexOf("\n## ", start + heading.length);
  return text.slice(start, end === -1 ? undefined : end);
};

describe("the batch message's Quality Integration (issue 17, problem 2)", () => {
  it("keeps the seed's order, the Quality Integration after the protocol", () => {
    const { message: text } = message([{ n: 1, partial: true }, { n: 2 }]);
    const order = [
      "# 🚀 BATCH ASSIGNMENT",
      "## Mission",
      "## 📋 YOUR BATCH ASSIGNMENT",
      "### PRIORITY FIXES",
      "### NEW IMPLEMENTATIONS",
      "## 🔧 AUTONOMOUS EXECUTION PROTOCOL",
      "## ✅ B1/B2 VALIDATION PATH",
      "## 🎯 SUCCESS CRITERIA",
      "## 💡 SUCCESS PATTERN",
      "Start investigation immediately.",
    ].map((h) => text.indexOf(h));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("names the configured validators without notifying them, how approval is given, and the E2E check", () => {
    const config = configOf({ validation: { b1: ["val1"], b2: ["acme/qa"], "e2e-check": "e2e / smoke" } });
    const path = section(message([{ n: 1 }], { config }).message, "## ✅ B1/B2 VALIDATION PATH")!;
    expect(path).toContain(`**B1** @${WJ}val1 · **B2** @${WJ}acme/qa (two different people)`);
    expect(path).toContain("a pull request that closes the SPEC");
    expect(path).toContain("approve it with a review");
    expect(path).toContain("`/batch approve b1` and `/batch approve b2` on the SPEC");
    expect(path).toContain("the `e2e / smoke` check must pass on the pull request");
    expect(path).not.toMatch(/@val1|@acme/);
  });

  it("without validators, says two collaborators with write access, and no E2E line", () => {
    const path = section(message([{ n: 1 }]).message, "## ✅ B1/B2 VALIDATION PATH")!;
    expect(path).toContain("two collaborators with write access (two different people)");
    expect(path).not.toContain("E2E");
  });

  it("quotes each SPEC's success criteria, or says it defines none", () => {
    const specs: SpecShape[] = [
      {
        n: 1,
        title: "Cache",
        body: "Intro.\n\n## Acceptance criteria\n- [ ] hits in < 5 ms for @bob\n- `npm test` passes\n\n## Notes\n- not a criterion",
      },
      { n: 2, title: "Search", body: "### Success criteria:\n1. finds #3 by title\n" },
      { n: 3, title: "Export", body: "## Definition of done\n* [x] [CSV] download works\n" },
      { n: 4, title: "Login", body: "No criteria here.\n\n## Remaining\n- all of it" },
    ];
    const criteria = section(message(specs).message, "## 🎯 SUCCESS CRITERIA")!;
    expect(criteria).toBe(`## 🎯 SUCCESS CRITERIA:
- #1 Cache:
  - hits in < 5 ms for @${WJ}bob
  - \`npm test\` passes
- #2 Search:
  - finds #${WJ}3 by title
- #3 Export:
  - \\[CSV] download works
- #4 Login defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.
`);
  });

  it("reads the criteria under the headings the configuration names", () => {
    const config = configOf({ message: { "criteria-headings": ["Done when", "Tests"] } });
    const specs: SpecShape[] = [
      { n: 1, body: "## Acceptance criteria\n- ignored now\n" },
      { n: 2, body: "## Done when\n- the export opens in Excel\n" },
      { n: 3, body: "## Testsuite\n- not this one\n" },
    ];
    const criteria = section(message(specs, { config }).message, "## 🎯 SUCCESS CRITERIA")!;
    expect(criteria).toContain("- #2 SPEC 2:\n  - the export opens in Excel");
    expect(criteria).toContain("- #1 SPEC 1 defines no success criteria (no `Done when` or `Tests` section)");
    expect(criteria).toContain("- #3 SPEC 3 defines no success criteria");
    expect(parseConfig({ message: { "criteria-headings": [] } }).ok).toBe(false);
  });

  it("gives each new SPEC its goal: the `## Goal` section, else the first paragraph", () => {
    const { message: text } = message([
      {
        n: 1,
        title: "Cache",
        body: "Some context.\n\n## Goal\nServe repeated reads from memory,\nas @bob asked in #7.\n\nMore.\n",
      },
      {
        n: 2,
        title: "Search",
        body: "Depends on #1\n\n# Search\n\nFind SPECs by title.\n\n## Acceptance criteria\n- fast",
      },
      { n: 3, title: "Empty", body: "" },
    ]);
    expect(text).toContain(
      `#1 Cache — **goal:** Serve repeated reads from memory, as @${WJ}bob asked in #${WJ}7.`,
    );
    expect(text).toContain("#2 Search — **goal:** Find SPECs by title.");
    expect(text).toMatch(/#3 Empty\n/);
    expect(specGoal("x".repeat(500))).toHaveLength(300);
  });

  it("shows a SUCCESS PATTERN on a first batch: the knowledge registry's entries for the batch's domains", () => {
    const entry = (id: number, domains: string[], text: string, agent = "bob"): Discovery => ({
      id,
      agent,
      at: `2026-11-2${id}T00:00:00Z`,
      batch: 40,
      specs: [],
      domains,
      text,
    });
    const knowledge = [
      entry(1, ["database"], "migrations run with `npm run migrate`"),
      entry(2, ["ui"], "unrelated to this batch"),
    ];
    const pattern = section(
      message([{ n: 1, domain: "database" }], { knowledge }).message,
      "## 💡 SUCCESS PATTERN",
    )!;
    expect(pattern).toContain("From the knowledge registry (#90):");
    expect(pattern).toContain("migrations run with `npm run migrate`");
    expect(pattern).not.toContain("unrelated");
  });

  it("says there are no discoveries yet when nothing is known", () => {
    const pattern = section(
      message([{ n: 1, domain: "database" }], { knowledge: [] }).message,
      "## 💡 SUCCESS PATTERN",
    );
    expect(pattern).toBe(
      "## 💡 SUCCESS PATTERN:\nNo discoveries yet in database: record what you learn with `/batch discovery <text>`, and the next batches start from it.\n\nStart investigation immediately.\n",
    );
  });

  it("lets a custom template place each new part", () => {
    const template = "{{tasks}}\n---\n{{validation_steps}}\n---\n{{criteria}}\n---\n{{discoveries}}\n";
    expect(parseTemplate(template).ok).toBe(true);
    const text = message([{ n: 1, body: "## Success criteria\n- works" }], { template }).message;
    const [tasks, validation, criteria, discoveries] = text.split("\n---\n");
    expect(tasks).toBe("- [ ] 1. #1 SPEC 1");
    expect(validation).toMatch(/^- \*\*Validators:\*\*/);
    expect(criteria).toBe("- #1 SPEC 1:\n  - works");
    expect(discoveries).toMatch(/^No discoveries yet/);
  });
});

describe("the message's length (GitHub's 65,536-character body limit)", () => {
  const huge = (n: number): SpecShape => ({
    n,
    title: `SPEC ${n} ${"t".repeat(200)}`,
    partial: n % 3 === 0,
    body: [
      "x".repeat(5_000),
      "## Remaining",
      ...Array.from({ length: 50 }, (_, i) => `- remaining ${i} ${"r".repeat(100)}`),
      "## Acceptance criteria",
      ...Array.from({ length: 200 }, (_, i) => `- criterion ${i} ${"c".repeat(400)}`),
    ].join("\n"),
  });

  it.each([
    { name: "a default batch of 10 huge SPECs", specs: 10, size: {} },
    { name: "a batch of 50 huge SPECs", specs: 50, size: { size: { min: 50, max: 50 } } },
  ])("$name stays under the limit with every task line and its metadata", ({ specs, size }) => {
    const config = configOf({ batch: size });
    const draft = message(
      Array.from({ length: specs }, (_, i) => huge(i + 1)),
      { config },
    );
    expect(draft.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(draft.body.length).toBeLessThanOrEqual(65_536);
    expect(
      taskLines(draft.body)
        .map((t) => t.spec)
        .sort((a, b) => a - b),
    ).toEqual(draft.meta.specs.sort((a, b) => a - b));
    expect(decodeBatchMeta(draft.body)?.specs).toHaveLength(specs);
  });

  it("shortens goals and criteria first, keeping the first criteria and counting the rest", () => {
    const draft = message(Array.from({ length: 10 }, (_, i) => huge(i + 1)));
    expect(draft.message).toContain("  - criterion 0 ");
    expect(draft.message).toMatch(/ {2}- … \d+ more in the SPEC/);
  });

  it("cuts a message still too long at a line end, saying so", () => {
    const template = `{{tasks}}\n${"padding line\n".repeat(4_000)}`;
    const draft = message([{ n: 1 }], { template });
    expect(draft.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(draft.message).toMatch(/… \(message cut at 32,768 characters: each SPEC holds the rest\)\n$/);
    expect(draft.message.startsWith("- [ ] 1. #1 SPEC 1\n")).toBe(true);
  });
});
