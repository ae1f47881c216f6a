import type { Leftover, PlanInput } from "../planner.js";
import {
  assessReadiness,
  type DependencyProblem,
  dependencyStatus,
  type StatusLookup,
} from "../readiness.js";
import { type IssueRef, refKey } from "../references.js";
import type { Registry } from "../registry.js";
import type { Spec } from "../spec.js";

/** An open SPEC nobody holds: what the plan may give out, once its dependencies allow. */
export interface PoolEntry {
  spec: Spec;
  /** Lower-cased, without duplicates. */
  domains: string[];
  /** Keys of the dependencies that are not completed, aligned with `waitingOn`. */
  waiting: string[];
  waitingOn: IssueRef[];
}

export interface Pool {
  entries: Map<string, PoolEntry>;
  /** SPECs no plan can take (in a batch, assigned, another domain); `blocked` ones get `waitingOn` at the end. */
  leftovers: Leftover[];
  /** Pool SPECs with a dependency problem no plan can solve (cycles, unreadable or abandoned dependencies). */
  problemBlocked: Map<string, Leftover>;
  /** SPECs held by open batch issues. */
  held: Map<string, { number: number; agent: string }>;
}

/** Phase 2, step 1: query the registry for unassigned SPECs (open, in no open batch, nobody assigned). */
export function queryUnassigned(input: PlanInput): Pool {
  const { registry, options } = input;
  const held = heldByOpenBatches(input);
  const wantedDomain = options.domain?.toLowerCase() ?? null;
  const pool: Pool = { entries: new Map(), leftovers: [], problemBlocked: new Map(), held };
  const open = [...registry.specs.values()]
    .filter((s) => s.state === "OPEN")
    .sort((a, b) => a.number - b.number);
  for (const spec of open) {
    const batch = held.get(spec.key);
    const domains = lowerDomains(spec);
    if (batch) pool.leftovers.push({ spec, reason: "in-batch", batch });
    else if (spec.assignees.length) pool.leftovers.push({ spec, reason: "assigned" });
    else if (wantedDomain !== null && !domains.includes(wantedDomain))
      pool.leftovers.push({ spec, reason: "other-domain" });
    else addToPool(pool, spec, domains, input.status, registry);
  }
  return pool;
}

function addToPool(pool: Pool, spec: Spec, domains: string[], status: StatusLookup, registry: Registry) {
  const entry = openDependencies(spec, registry) ?? readinessEntry(spec, status, registry);
  if (entry.problems.length) {
    const leftover: Leftover = { spec, reason: "blocked", problems: entry.problems };
    pool.leftovers.push(leftover);
    pool.problemBlocked.set(spec.key, leftover);
  }
  pool.entries.set(spec.key, { spec, domains, waiting: entry.waiting, waitingOn: entry.waitingOn });
}

function heldByOpenBatches(input: PlanInput): Map<string, { number: number; agent: string }> {
  const held = new Map<string, { number: number; agent: string }>();
  for (const batch of input.active) {
    if (batch.state !== "OPEN") continue;
    for (const number of batch.meta.specs)
      held.set(refKey({ ...input.registry.repo, number }), { number: batch.number, agent: batch.meta.agent });
  }
  return held;
}

interface Dependencies {
  waiting: string[];
  waitingOn: IssueRef[];
  problems: DependencyProblem[];
}

function lowerDomains(spec: Spec): string[] {
  const out: string[] = [];
  for (const d of spec.domains) {
    const lower = d.toLowerCase();
    if (!out.includes(lower)) out.push(lower);
  }
  return out;
}

/**
 * The common case without building readiness: every dependency is a SPEC of the registry, open or completed, and
 * the SPEC is on no cycle. Null sends the SPEC through `assessReadiness`, which explains what is wrong.
 */
function openDependencies(spec: Spec, registry: Registry): Dependencies | null {
  if (registry.graph.components.has(spec.key)) return null;
  const keys = registry.graph.dependencies.get(spec.key) ?? [];
  const waiting: string[] = [];
  const waitingOn: IssueRef[] = [];
  for (let i = 0; i < keys.length; i++) {
    const dep = registry.specs.get(keys[i]!);
    if (!dep) return null;
    if (dep.state === "OPEN") {
      waiting.push(keys[i]!);
      waitingOn.push(spec.dependencies[i]!);
    } else if (dependencyStatus(dep).kind !== "completed") return null;
  }
  return { waiting, waitingOn, problems: [] };
}

function readinessEntry(spec: Spec, status: StatusLookup, registry: Registry): Dependencies {
  const readiness = assessReadiness(spec, status, registry.graph);
  return {
    waiting: readiness.waitingOn.map(refKey),
    waitingOn: readiness.waitingOn,
    problems: readiness.problems,
  };
}
