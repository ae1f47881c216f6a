import type { BatchIssue } from "../src/domain/batch.js";
import { planBoard } from "../src/domain/board-plan.js";
import { BOARD_STATUSES, boardRows } from "../src/domain/board-state.js";
import { defaultConfig } from "../src/domain/config.js";
import { renderDashboard } from "../src/domain/dashboard.js";
import { computeMetrics } from "../src/domain/progress-metrics.js";
import { buildRegistry } from "../src/domain/registry.js";
import type { IssueRecord, Spec } from "../src/domain/spec.js";
import type { BenchRow } from "./row.js";
import { median } from "./stats.js";

const repo = { owner: "acme", repo: "specs" };
const NOW = new Date("2026-11-25T12:00:00Z");
const DAY = 86_400_000;

/** `count` SPECs in every state and batches of 9 for 6 agents over 60 days; deterministic. */
export function synthetic(count: number): { issues: IssueRecord[]; batches: BatchIssue[] } {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const states = ["ready", "blocked", "in-review", "changes-requested", "validated"];
  const issues: IssueRecord[] = Array.from({ length: count }, (_, i) => {
    const closed = random() < 0.4;
    const closedAt = new Date(NOW.getTime() - Math.floor(random() * 60) * DAY).toISOString();
    return {
      id: `I_${i + 1}`,
      databaseId: i + 1,
      number: i + 1,
      title: `SPEC ${i + 1}`,
      body: "",
      state: closed ? "CLOSED" : "OPEN",
      stateReason: closed ? "COMPLETED" : null,
      labels: ["spec", `domain:d${i % 6}`, states[Math.floor(random() * states.length)]!],
      assignees: [],
      createdAt: "2026-09-01T00:00:00Z",
      updatedAt: "2026-09-01T00:00:00Z",
      closedAt: closed ? closedAt : null,
    };
  });
  const batches: BatchIssue[] = [];
  for (let start = 0, n = count + 1; start + 9 <= count; start += 9, n++) {
    const agent = `agent-${batches.length % 6}`;
    const createdAt = new Date(NOW.getTime() - (60 - (batches.length % 60)) * DAY).toISOString();
    batches.push({
      number: n,
      id: `B_${n}`,
      state: random() < 0.7 ? "CLOSED" : "OPEN",
      title: `Batch for ${agent}`,
      body: "",
      meta: {
        v: 1,
        id: `b${n}`,
        agent,
        sequence: Math.floor(batches.length / 6) + 1,
        specs: Array.from({ length: 9 }, (_, k) => start + k + 1),
        fixes: [],
        shared: [],
        sourceCommentId: n,
        createdAt,
        completedAt: new Date(Date.parse(createdAt) + 2 * DAY).toISOString(),
        messages: { counted: [], total: 2 },
        foundExisting: random() < 0.3 ? [{ spec: start + 1, where: "x", at: createdAt }] : [],
      },
    });
  }
  return { issues, batches };
}

/** What one progress refresh computes once the SPECs are read: metrics, the dashboard body, the board diff. */
function refresh(specs: readonly Spec[], batches: readonly BatchIssue[]): number {
  const config = defaultConfig();
  const metrics = computeMetrics({ specs, batches, config, now: NOW });
  const body = renderDashboard(metrics, { repo, board: null });
  const fields = [
    {
      id: "s",
      name: "Status",
      dataType: "SINGLE_SELECT",
      options: BOARD_STATUSES.map((name) => ({ id: name, name })),
    },
    ...["Agent", "Batch", "Domain"].map((name) => ({ id: name, name, dataType: "TEXT" })),
  ];
  const plan = planBoard(fields, boardRows(specs, batches, config), new Map());
  return body.length + plan.writes.length;
}

/** CPU milliseconds of one call: the machine may be shared, and wall time would count the other processes. */
function cpuTime(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [count, target] of [
    [580, 25],
    [10_000, 250],
  ] as const) {
    const { issues, batches } = synthetic(count);
    const specs = [...buildRegistry(repo, issues, defaultConfig()).specs.values()];
    for (let i = 0; i < 5; i++) refresh(specs, batches);
    const ms = median(Array.from({ length: 15 }, () => cpuTime(() => refresh(specs, batches))));
    rows.push({
      name: `progress refresh: metrics + dashboard + board diff for ${count.toLocaleString("en")} SPECs, ${batches.length.toLocaleString("en")} batches`,
      value: `${ms.toFixed(1)} ms CPU`,
      target: `< ${target} ms`,
      ok: ms < target,
    });
  }
  return rows;
}
