/**
 * Writes `examples/after-first-batches.json`: the repository of `examples/specs.json` after the first batches, as
 * `gh issue list --json number,title,body,labels,state,assignees` exports it. The first batches are done (the 36
 * SPECs closed as completed; DATABASE-OPUS's batch issue found SPEC-04 existing), the team recorded discoveries in the knowledge registry, and
 * nine new database SPECs wait. `npm run demo` plans DATABASE-OPUS's second batch from it: its SUCCESS PATTERN
 * quotes what the first batch found. Run `npx tsx scripts/demo-second-step.ts` after changing the example.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { encodeBatchMeta } from "../src/domain/batch.js";
import { type Discovery, renderKnowledgeBody } from "../src/domain/knowledge.js";
import { escapeMentions, quietMention } from "../src/domain/mention-escape.js";

interface GhIssue {
  number: number;
  title: string;
  body: string;
  labels: Array<{ name: string }>;
  state: string;
  stateReason?: string;
  assignees: Array<{ login: string }>;
}

const specs = JSON.parse(readFileSync("examples/specs.json", "utf8")) as GhIssue[];
const first = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// Every first batch is done; only DATABASE-OPUS's batch issue is kept in the export, to keep it short.
const out: GhIssue[] = specs.map((s) => ({ ...s, state: "CLOSED", stateReason: "COMPLETED" }));
const batch = encodeBatchMeta({
  v: 1,
  id: "1:DATABASE-OPUS",
  agent: "DATABASE-OPUS",
  sequence: 1,
  specs: first,
  fixes: [5, 2, 9, 10],
  shared: [],
  sourceCommentId: 1,
  createdAt: "2026-11-20T09:00:00Z",
  foundExisting: [
    { spec: 4, where: "the `audit_events` table of the billing service", at: "2026-11-21T10:00:00Z" },
  ],
});
out.push({
  number: 37,
  title: "Batch 1 for @DATABASE-OPUS: 10 SPECs",
  body: `Batch 1 (done).\n${batch}\n`,
  labels: [{ name: "batch" }],
  state: "CLOSED",
  stateReason: "COMPLETED",
  assignees: [{ login: "DATABASE-OPUS" }],
});
const entry = (id: number, agent: string, specs: number[], domains: string[], text: string): Discovery => ({
  id,
  agent,
  at: `2026-11-2${id}T12:00:00Z`,
  batch: 37,
  specs,
  domains,
  text,
});
const knowledge = renderKnowledgeBody(
  {
    v: 1,
    entries: [
      entry(
        1,
        "DATABASE-OPUS",
        [5],
        ["database"],
        "Migrations run with `npm run migrate -- --dry-run` first; seeds are separate",
      ),
      entry(
        2,
        "DATABASE-OPUS",
        [9],
        ["database"],
        "Partitioned tables need the tenant id in every unique index",
      ),
      entry(3, "UI-OPUS", [], ["ui"], "Design tokens live in `packages/tokens`"),
    ],
  },
  { quote: escapeMentions, name: quietMention },
);
out.push({
  number: 38,
  title: "📚 Knowledge registry",
  body: knowledge.body,
  labels: [{ name: "knowledge" }],
  state: "OPEN",
  assignees: [],
});
const next = [
  ["Sharded counters", "Counters scale past one row lock.", true],
  ["Soft-delete purge job", "Rows deleted 30 days ago are purged.", true],
  ["Tenant data export", "A tenant can download all its rows.", true],
  ["Query timeouts", "No query runs longer than 5 s.", false],
  ["Slow query log", "Queries over 500 ms are logged with their plan.", false],
  ["Schema drift check", "CI fails when the schema and migrations disagree.", false],
  ["Point-in-time restore", "Any minute of the last 7 days can be restored.", false],
  ["Index advisor", "Missing indexes are suggested from the slow query log.", false],
  ["Archive cold partitions", "Partitions older than a year move to cheap storage.", false],
] as const;
next.forEach(([title, goal, partial], i) => {
  out.push({
    number: 39 + i,
    title: `SPEC-${39 + i} ${title}`,
    body: `## Goal\n${goal}\n${partial ? "\n## Remaining\n- Works on one tenant only\n" : ""}`,
    labels: [{ name: "spec" }, { name: "domain:database" }, ...(partial ? [{ name: "partial" }] : [])],
    state: "OPEN",
    assignees: [],
  });
});
writeFileSync("examples/after-first-batches.json", `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote examples/after-first-batches.json (${out.length} issues)`);
