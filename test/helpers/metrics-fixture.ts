import type { BatchIssue, BatchMeta } from "../../src/domain/batch.js";
import { type BatchConfig, parseConfig } from "../../src/domain/config.js";
import type { IssueRecord } from "../../src/domain/spec.js";

/**
 * A fixed repository state for the metrics, dashboard and report tests. Every expected figure in those tests is
 * computed by hand from this file (the arithmetic is written next to each expectation).
 */
export const NOW = new Date("2026-11-25T12:00:00Z");
export const FIXTURE_REPO = { owner: "acme", repo: "specs" };

export function fixtureConfig(): BatchConfig {
  const parsed = parseConfig({
    agents: [{ login: "db-agent" }, { login: "ui-agent" }],
    validation: { "e2e-check": "e2e" },
  });
  if (!parsed.ok) throw new Error("fixture config invalid");
  return parsed.config;
}

type SpecInput = {
  number: number;
  labels: string[];
  closed?: { at: string; reason: "COMPLETED" | "NOT_PLANNED" };
  assignees?: string[];
};

const SPECS: SpecInput[] = [
  {
    number: 1,
    labels: ["validated", "domain:db"],
    closed: { at: "2026-11-24T12:00:00Z", reason: "COMPLETED" },
  },
  {
    number: 2,
    labels: ["validated", "domain:db"],
    closed: { at: "2026-11-20T12:00:00Z", reason: "COMPLETED" },
  },
  {
    number: 3,
    labels: ["found-existing", "domain:db"],
    closed: { at: "2026-11-10T12:00:00Z", reason: "COMPLETED" },
  },
  { number: 4, labels: [], closed: { at: "2026-11-24T12:00:00Z", reason: "NOT_PLANNED" } },
  { number: 5, labels: ["in-review", "domain:db"] },
  { number: 6, labels: ["changes-requested", "domain:ui"] },
  { number: 7, labels: ["validated", "domain:ui"] },
  { number: 8, labels: ["blocked", "domain:ui"] },
  { number: 9, labels: ["ready"] },
  { number: 10, labels: ["ready", "domain:ui"] },
  { number: 11, labels: ["blocked"], assignees: ["carol"] },
  { number: 12, labels: [], closed: { at: "2026-10-01T12:00:00Z", reason: "COMPLETED" } },
];

export function fixtureIssues(): IssueRecord[] {
  return SPECS.map((s) => ({
    id: `I_${s.number}`,
    databaseId: s.number,
    number: s.number,
    title: `SPEC-${s.number}`,
    body: "",
    state: s.closed ? "CLOSED" : "OPEN",
    stateReason: s.closed?.reason ?? null,
    labels: ["spec", ...s.labels],
    assignees: s.assignees ?? [],
    createdAt: "2026-09-01T00:00:00Z",
    updatedAt: "2026-09-01T00:00:00Z",
    closedAt: s.closed?.at ?? null,
  }));
}

/** SPECs #2 and #6 had changes requested at some point (#6 still has). */
export const CHANGES_REQUESTED_EVER = new Set([2, 6]);

function batch(
  number: number,
  state: "OPEN" | "CLOSED",
  meta: Omit<BatchMeta, "v" | "id" | "fixes" | "shared" | "sourceCommentId"> & { shared?: number[] },
): BatchIssue {
  const full: BatchMeta = {
    v: 1,
    id: `c:${meta.agent}:${number}`,
    fixes: [],
    shared: [],
    sourceCommentId: 1,
    ...meta,
  };
  return {
    number,
    id: `B_${number}`,
    state,
    title: `Batch ${meta.sequence} for @${meta.agent}`,
    body: "",
    meta: full,
  };
}

export function fixtureBatches(): BatchIssue[] {
  return [
    batch(100, "CLOSED", {
      agent: "db-agent",
      sequence: 1,
      specs: [1, 2, 3, 4],
      createdAt: "2026-11-01T00:00:00Z",
      completedAt: "2026-11-03T12:00:00Z",
      foundExisting: [{ spec: 3, where: "src/db/schema.ts", at: "2026-11-02T00:00:00Z" }],
      blockers: [
        {
          reason: "schema unclear",
          at: "2026-11-02T00:00:00Z",
          by: "db-agent",
          clearedAt: "2026-11-02T06:00:00Z",
        },
      ],
      messages: { counted: [501], total: 2 },
    }),
    batch(101, "OPEN", {
      agent: "db-agent",
      sequence: 2,
      specs: [5, 8, 9],
      createdAt: "2026-11-22T00:00:00Z",
      blockers: [
        { reason: "waiting for DB | credentials from @ops", at: "2026-11-23T06:00:00Z", by: "db-agent" },
      ],
      messages: { counted: [601, 602], total: 3 },
    }),
    batch(102, "OPEN", {
      agent: "ui-agent",
      sequence: 1,
      specs: [6, 7, 10, 5],
      shared: [5],
      createdAt: "2026-11-23T00:00:00Z",
    }),
    batch(103, "CLOSED", {
      agent: "extra-agent",
      sequence: 1,
      specs: [12],
      createdAt: "2026-09-28T00:00:00Z",
      completedAt: "2026-09-30T00:00:00Z",
    }),
  ];
}
