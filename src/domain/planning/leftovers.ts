import type { Leftover, PlannedBatch, WaitingOn } from "../planner.js";
import { allowed, followsInto, type Planning } from "./batches.js";
import type { Candidate } from "./candidates.js";
import { NO_DOMAIN } from "./candidates.js";
import type { Pool, PoolEntry } from "./pool.js";

/** Phase 2, last step: the batches as planned, and every open SPEC left out with the reason. */
export function batchesAndLeftovers(
  p: Planning,
  pool: Pool,
): { batches: PlannedBatch[]; leftovers: Leftover[] } {
  const leftovers = [...pool.leftovers];
  for (const entry of pool.entries.values()) {
    const key = entry.spec.key;
    const problem = pool.problemBlocked.get(key);
    if (problem) problem.waitingOn = waitingOn(p, pool, entry);
    else if (!p.owner.has(key)) leftovers.push(leftoverOf(p, pool, entry));
  }
  leftovers.sort((a, b) => a.spec.number - b.spec.number);
  const batches = p.agents
    .filter((a) => a.fixes.length + a.news.length > 0)
    .map((a) => ({ agent: a.login, specs: [...a.fixes, ...a.news] }));
  return { batches, leftovers };
}

function leftoverOf(p: Planning, pool: Pool, entry: PoolEntry): Leftover {
  const c = p.candidates.get(entry.spec.key);
  if (!c) return { spec: entry.spec, reason: "blocked", waitingOn: waitingOn(p, pool, entry) };
  if (!served(p, c)) return { spec: c.spec, reason: "no-agent" };
  if (c.waiting.length && !followable(p, c))
    return { spec: c.spec, reason: "blocked", waitingOn: waitingOn(p, pool, entry) };
  return { spec: c.spec, reason: "no-capacity" };
}

/** Some agent could take the SPEC: an agent without domains, or a specialist of one of its domains. */
function served(p: Planning, c: Candidate): boolean {
  if (!p.agents.length) return false;
  return p.agents.some((a) => !a.specialist) || c.domains.some((d) => d === NO_DOMAIN || p.claimed.has(d));
}

/** A chained SPEC could have followed its dependencies: all are in one batch whose agent may take it. */
function followable(p: Planning, c: Candidate): boolean {
  const holders = new Set(c.waiting.map((w) => p.owner.get(w)));
  const [holder] = holders;
  return (
    holders.size === 1 && !!holder && followsInto(holder, c) && c.domains.some((d) => allowed(p, holder, d))
  );
}

function waitingOn(p: Planning, pool: Pool, entry: PoolEntry): WaitingOn[] {
  return entry.waitingOn.map((ref, i) => ({
    ref,
    plannedFor: p.owner.get(entry.waiting[i]!)?.login ?? null,
    inBatch: pool.held.get(entry.waiting[i]!)?.number ?? null,
  }));
}
