import type { PlanAgent } from "../src/domain/planner.js";
import type { IssueRecord } from "../src/domain/spec.js";

export interface SyntheticOptions {
  specs: number;
  /** Dependency edges in all, each from a SPEC to an earlier one (so the graph has no cycle). */
  edges: number;
  /** How far back a dependency may point (default 40 issues: work depends on recent work). */
  reach?: number;
  domains: readonly string[];
  /** Share of SPECs closed as completed (the oldest ones, as in a registry that has been worked on). */
  closed?: number;
  /** Share of open SPECs labelled partial. */
  partial?: number;
  seed?: number;
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same registry on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRIORITIES = ["critical", "high", "medium", "low", null] as const;

/** SPEC issues as GitHub (or `gh issue list`) would give them, with dependencies written in their bodies. */
export function syntheticIssues(options: SyntheticOptions): IssueRecord[] {
  const next = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const deps = new Map<number, Set<number>>();
  for (let e = 0; e < options.edges && options.specs > 1; e++) {
    const from = 2 + Math.floor(next() * (options.specs - 1));
    const to = Math.max(1, from - 1 - Math.floor(next() * (options.reach ?? 40)));
    const set = deps.get(from) ?? new Set<number>();
    set.add(to);
    deps.set(from, set);
  }
  const closedBelow = Math.floor(options.specs * (options.closed ?? 0));
  return Array.from({ length: options.specs }, (_, i): IssueRecord => {
    const number = i + 1;
    const closed = number <= closedBelow;
    const priority = pick(PRIORITIES);
    const labels = [
      "spec",
      `domain:${options.domains[i % options.domains.length]}`,
      ...(priority ? [`priority:${priority}`] : []),
      ...(!closed && next() < (options.partial ?? 0.3) ? ["partial"] : []),
    ];
    const dependsOn = [...(deps.get(number) ?? [])];
    return {
      id: `I_${number}`,
      databaseId: number,
      number,
      title: `SPEC-${String(number).padStart(4, "0")} ${options.domains[i % options.domains.length]} work`,
      body: `${dependsOn.length ? `Depends on ${dependsOn.map((d) => `#${d}`).join(", ")}\n\n` : ""}## Goal\nImplement it.\n`,
      state: closed ? "CLOSED" : "OPEN",
      stateReason: closed ? "COMPLETED" : null,
      labels,
      assignees: [],
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      closedAt: closed ? "2026-01-02T00:00:00Z" : null,
    };
  });
}

/** `count` agents: every other one a specialist of one domain, the rest without domains. */
export function syntheticAgents(count: number, domains: readonly string[]): PlanAgent[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `agent-${i + 1}`,
    domains: i % 2 === 0 ? [domains[(i / 2) % domains.length]!] : [],
  }));
}

/** The domains of the benches' worked-on registry. */
export const BENCH_DOMAINS = [
  "database",
  "algorithm",
  "integration",
  "ui",
  "search",
  "billing",
  "auth",
  "infra",
];

/** The benches' worked-on registry: 60% of the SPECs done, 3 dependencies per SPEC on any earlier one. */
export function workedOnIssues(specs: number, seed = 42): IssueRecord[] {
  return syntheticIssues({
    specs,
    edges: specs * 3,
    reach: specs,
    domains: BENCH_DOMAINS,
    closed: 0.6,
    seed,
  });
}
