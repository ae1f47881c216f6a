import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderAssignmentReply } from "../../src/domain/assignment-report.js";
import type { BatchIssue } from "../../src/domain/batch.js";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { batchTitle, draftBatches, remainingWork } from "../../src/domain/batch-message.js";
import {
  DEFAULT_TEMPLATE,
  PLACEHOLDERS,
  parseTemplate,
  renderTemplate,
} from "../../src/domain/batch-template.js";
import { defaultConfig } from "../../src/domain/config.js";
import { escapeMentions, WORD_JOINER } from "../../src/domain/mention-escape.js";
import { planBatches, planOptions } from "../../src/domain/planner.js";
import { lookupFor, REPO, registryOf, type SpecShape } from "../helpers/specs.js";

const WJ = WORD_JOINER;

function drafts(
  specs: SpecShape[],
  agents: string[],
  batches: BatchIssue[] = [],
  template = DEFAULT_TEMPLATE,
  overlap = 0,
) {
  const registry = registryOf(specs);
  const plan = planBatches({
    registry,
    status: lookupFor(registry),
    active: batches.filter((b) => b.state === "OPEN"),
    agents: agents.map((login) => ({ login, domains: [] })),
    options: { ...planOptions(defaultConfig().batch), overlap },
  });
  return {
    plan,
    drafts: draftBatches(plan, {
      config: defaultConfig(),
      registry,
      batches,
      template,
      sourceCommentId: 77,
      createdAt: "2026-11-25T12:00:00Z",
    }),
  };
}

describe("escapeMentions", () => {
  it.each([
    ["Cache for @alice", `Cache for @${WJ}alice`],
    ["Ping @acme/qa team", `Ping @${WJ}acme/qa team`],
    ["see #12 and acme/api#3", `see #${WJ}12 and acme/api#${WJ}3`],
    ["GH-42 regression", `GH-${WJ}42 regression`],
    ["mail a@b.com, C# code, #hashtag", "mail a@b.com, C# code, #hashtag"],
  ])("%s", (input, want) => {
    expect(escapeMentions(input)).toBe(want);
    expect(escapeMentions(want)).toBe(want);
  });
});

describe("batch template", () => {
  it("renders the seed's template with every section", () => {
    const {
      drafts: [draft],
    } = drafts(
      [
        {
          n: 1,
          title: "Fix login",
          partial: true,
          domain: "auth",
          body: "## Remaining\n- token refresh\n- [ ] logout\n## Notes\nignored",
        },
        { n: 2, title: "Search @bob #9", domain: "search" },
      ],
      ["alice"],
    );
    expect(draft!.title).toBe("Batch 1 for @alice: 2 SPECs");
    expect(draft!.message).toBe(`# 🚀 BATCH ASSIGNMENT - @alice

## Mission: Complete 2 SPECs for rapid completion

## 📋 YOUR BATCH ASSIGNMENT:

### PRIORITY FIXES (Fix Partial SPECs):
- [ ] 1. #1 Fix login · auth — **fix:** token refresh; logout

### NEW IMPLEMENTATIONS:
- [ ] 2. #2 Search @${WJ}bob #${WJ}9 · search

## 🔧 AUTONOMOUS EXECUTION PROTOCOL:
1. Investigate all SPECs using Systematic Investigation Protocol
2. Run E2E tests to verify actual functionality
3. Batch submit plans for all SPECs
4. Implement after approval
5. Report only when: All complete OR blocked OR found existing

## ✅ B1/B2 VALIDATION PATH:
- **Validators:** two collaborators with write access (two different people), never the SPEC's author.
- **Approval:** open a pull request that closes the SPEC (\`Closes #N\` in its description); B1 and B2 each approve it with a review. Without a pull request (the SPEC was found existing), they comment \`/batch approve b1\` and \`/batch approve b2\` on the SPEC.
- **Changes requested:** fix them and push; a new push asks B1 and B2 to approve again.
- A SPEC closes as done once B1 and B2 have approved it; closing it earlier reopens it.

## 🎯 SUCCESS CRITERIA:
- #1 Fix login defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.
- #2 Search @${WJ}bob #${WJ}9 defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.

## 💡 SUCCESS PATTERN:
No discoveries yet in auth, search: record what you learn with \`/batch discovery <text>\`, and the next batches start from it.

Start investigation immediately.
`);
    expect(decodeBatchMeta(draft!.body)).toEqual({
      v: 1,
      id: "77:alice",
      agent: "alice",
      sequence: 1,
      specs: [1, 2],
      fixes: [1],
      shared: [],
      sourceCommentId: 77,
      createdAt: "2026-11-25T12:00:00Z",
    });
  });

  it("numbers the batch after the agent's earlier ones and recalls what they achieved", () => {
    const earlier: BatchIssue = {
      number: 40,
      id: "I_40",
      state: "CLOSED",
      title: "Batch 1 for @alice: 2 SPECs",
      body: "",
      meta: {
        v: 1,
        id: "5:alice",
        agent: "alice",
        sequence: 1,
        specs: [1, 2],
        fixes: [],
        shared: [],
        sourceCommentId: 5,
        createdAt: "2026-11-01T00:00:00Z",
        foundExisting: [{ spec: 2, where: "src/cache.ts by @carol", at: "2026-11-02T00:00:00Z" }],
      },
    };
    const {
      drafts: [draft],
    } = drafts([{ n: 1, closed: true }, { n: 2, closed: "not-planned" }, { n: 3 }], ["Alice"], [earlier]);
    expect(draft!.title).toBe("Batch 2 for @Alice: 1 SPEC");
    expect(draft!.meta.sequence).toBe(2);
    expect(draft!.message).toContain(
      `## 💡 SUCCESS PATTERN:\nBuild on what your earlier batches found:\n- Batch 1 (#40): completed #1\n- #2 already existed: src/cache.ts by @${WJ}carol\n`,
    );
  });

  it("marks shared SPECs with who else has them, without mentioning them", () => {
    const { drafts: ds } = drafts(
      [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }],
      ["a", "b"],
      [],
      DEFAULT_TEMPLATE,
      1,
    );
    const shared = ds.flatMap((d) => d.message.split("\n").filter((l) => l.includes("shared with")));
    // a copies b's #2; that uses b's overlap of 1 too, so b copies nothing.
    expect(shared).toEqual([
      `- [ ] 3. #2 SPEC 2 · shared with @${WJ}b`,
      `- [ ] 1. #2 SPEC 2 · shared with @${WJ}a`,
    ]);
    expect(ds.map((d) => d.meta.shared)).toEqual([[2], [2]]);
  });

  it("accepts a repository's template with known placeholders", () => {
    const text =
      "Hi {{ agent }}: {{count}} SPECs ({{fix_count}} fixes, {{new_count}} new) in {{domains}}\n{{tasks}}\n{{discoveries}}";
    const parsed = parseTemplate(text);
    expect(parsed.ok).toBe(true);
    const {
      drafts: [draft],
    } = drafts([{ n: 1, domain: "ui" }], ["alice"], [], text);
    expect(draft!.message).toBe(
      "Hi @alice: 1 SPECs (0 fixes, 1 new) in ui\n- [ ] 1. #1 SPEC 1 · ui\nNo discoveries yet in ui: record what you learn with `/batch discovery <text>`, and the next batches start from it.\n",
    );
  });

  it.each([
    [
      "an unknown placeholder",
      "{{tasks}}\nHello {{agent_name}}",
      "line 2",
      "unknown placeholder `{{agent_name}}`",
    ],
    ["a template that lists no SPECs", "Hello {{agent}}", "(template)", "must list the batch's SPECs"],
    ["new work left out", "{{priority_fixes}}", "(template)", "must list the batch's SPECs"],
  ])("rejects %s", (_name, text, path, message) => {
    const parsed = parseTemplate(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it("documents every placeholder in docs/assignment.md", () => {
    // The formatter pads table cells; compare with runs of spaces collapsed.
    const docs = readFileSync(new URL("../../docs/assignment.md", import.meta.url), "utf8").replace(
      / {2,}/g,
      " ",
    );
    for (const [name, description] of Object.entries(PLACEHOLDERS))
      expect(docs).toContain(`| \`{{${name}}}\` | ${description} |`);
  });

  it("accepts its own default template", () => {
    expect(parseTemplate(DEFAULT_TEMPLATE).ok).toBe(true);
    const values = Object.fromEntries(Object.keys(PLACEHOLDERS).map((k) => [k, `<${k}>`])) as never;
    expect(renderTemplate("{{tasks}} {{ {{agent}} }}", values)).toBe("<tasks> {{ <agent> }}\n");
  });
});

describe("remainingWork", () => {
  it.each([
    ["no section", "## Goal\nDo it", null],
    ["a list", "### Remaining:\n- a\n* b\n1. c\n\n### Next\n- d", "a; b; c"],
    ["code stays out", "## Remaining\n```\n- not this\n```\nonly this", "only this"],
    ["long text is cut", `## Remaining\n${"x".repeat(400)}`, `${"x".repeat(299)}…`],
  ])("%s", (_name, body, want) => {
    expect(remainingWork(body)).toBe(want);
  });
});

describe("assignment reply", () => {
  it("lists batches, leftovers by reason and the message saving", () => {
    const { plan, drafts: ds } = drafts(
      [
        { n: 1 },
        { n: 2, deps: [5] },
        { n: 3, assignees: ["carol"] },
        { n: 4, deps: [4] },
        { n: 5, closed: "not-planned" },
      ],
      ["alice"],
    );
    const reply = renderAssignmentReply({
      repo: REPO,
      dryRun: false,
      batches: ds.map((d) => ({ title: d.title, meta: d.meta, message: d.message, number: 101 })),
      leftovers: plan.leftovers,
      idle: ["bob"],
      notes: [],
      domain: null,
    });
    expect(reply).toBe(`### 🚀 Opened 1 batch for 1 SPEC

| batch | agent | SPECs | priority fixes | new | shared |
| --- | --- | ---: | ---: | ---: | ---: |
| #101 | @${WJ}alice | 1 | 0 | 1 | 0 |

No work for @${WJ}bob: nothing left that they can take.

#### Left over: 3 SPECs
- **Blocked by dependencies** (2):
  - #2: depends on #5, closed as not planned
  - #4: dependency cycle #4 → #4
- **Already assigned outside batchbot** (1): #3 (@${WJ}carol)

**Messages:** 2 with batches (2 per agent × 1) instead of 3–4 one SPEC at a time (3–4 per SPEC × 1): 33–50% fewer.`);
  });

  it("previews a dry run with each message, mentioning nobody", () => {
    const { plan, drafts: ds } = drafts([{ n: 1, title: "Hi @dave" }], ["alice"]);
    const reply = renderAssignmentReply({
      repo: REPO,
      dryRun: true,
      batches: ds.map((d) => ({ title: d.title, meta: d.meta, message: d.message, number: null })),
      leftovers: plan.leftovers,
      idle: [],
      notes: [],
      domain: null,
    });
    expect(reply).toContain("dry run: nothing was written");
    expect(reply).toContain(`<summary>Batch 1 for @${WJ}alice: 1 SPEC</summary>`);
    expect(reply).toContain(`# 🚀 BATCH ASSIGNMENT - @${WJ}alice`);
    expect(reply).not.toMatch(/(^|[^\w])@[A-Za-z]/);
    expect(reply).not.toContain("batchbot:batch");
  });

  it("keeps a huge dry run under GitHub's comment limit", () => {
    const specs = Array.from({ length: 600 }, (_, i) => ({ n: i + 1, title: "x".repeat(200) }));
    const { plan, drafts: ds } = drafts(
      specs,
      Array.from({ length: 60 }, (_, i) => `agent${i}`),
    );
    const reply = renderAssignmentReply({
      repo: REPO,
      dryRun: true,
      batches: ds.map((d) => ({ title: d.title, meta: d.meta, message: d.message, number: null })),
      leftovers: plan.leftovers,
      idle: [],
      notes: [],
      domain: null,
    });
    expect(reply.length).toBeLessThan(65_536);
    expect(reply).toMatch(/\d+ batch messages not shown/);
    expect(batchTitle(1, "a", 1)).toBe("Batch 1 for @a: 1 SPEC");
  });
});
