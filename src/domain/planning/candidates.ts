import type { SpecKind } from "../planner.js";
import type { Registry } from "../registry.js";
import { PRIORITIES, type Spec } from "../spec.js";
import type { Pool, PoolEntry } from "./pool.js";

/** The domain of a SPEC without domain labels. */
export const NO_DOMAIN = "";

export interface Candidate {
  spec: Spec;
  kind: SpecKind;
  /** Lower-cased domains, or `[NO_DOMAIN]`. */
  domains: string[];
  /** Open dependencies (all candidates themselves): the SPEC can only follow them into the same batch. */
  waiting: string[];
  /** Position in the order priority, open dependents, issue number: lower is taken first. */
  rank: number;
}

/** Free candidates (no open dependency) of one kind and domain, best first; `pos` skips the ones given out. */
export interface RankedList {
  keys: string[];
  pos: number;
  /** Where each key is, so a SPEC given back moves `pos` back to it only. */
  at: Map<string, number>;
}

export interface Groups {
  candidates: Map<string, Candidate>;
  lists: Record<SpecKind, Map<string, RankedList>>;
}

/**
 * Phase 2, step 2: group the pool by domain and dependencies. A candidate is a pool SPEC whose open dependencies
 * are all candidates too (a chain can go to one agent in order); free candidates go into one ranked list per kind
 * and domain.
 */
export function groupByDomainAndDependencies(pool: Pool, registry: Registry): Groups {
  const isCandidate = candidacy(pool.entries, pool.problemBlocked);
  const openDependents = (key: string) => {
    let count = 0;
    for (const d of registry.graph.dependents.get(key) ?? [])
      if (registry.specs.get(d)?.state === "OPEN") count++;
    return count;
  };
  const ordered = [...pool.entries.values()]
    .filter((p) => isCandidate.get(p.spec.key))
    .map((p) => ({
      p,
      priority: PRIORITIES.indexOf(p.spec.priority),
      dependents: openDependents(p.spec.key),
    }))
    .sort(
      (a, b) => a.priority - b.priority || b.dependents - a.dependents || a.p.spec.number - b.p.spec.number,
    );
  const candidates = new Map<string, Candidate>();
  ordered.forEach(({ p }, rank) => {
    candidates.set(p.spec.key, candidateOf(p, rank));
  });
  return { candidates, lists: rankedLists(candidates) };
}

function candidateOf(p: PoolEntry, rank: number): Candidate {
  return {
    spec: p.spec,
    kind: p.spec.partial ? "fix" : "new",
    domains: p.domains.length ? p.domains : [NO_DOMAIN],
    waiting: p.waiting,
    rank,
  };
}

function rankedLists(candidates: ReadonlyMap<string, Candidate>): Record<SpecKind, Map<string, RankedList>> {
  const lists: Record<SpecKind, Map<string, RankedList>> = { fix: new Map(), new: new Map() };
  for (const c of candidates.values()) {
    if (c.waiting.length) continue;
    for (const domain of c.domains) {
      const list: RankedList = lists[c.kind].get(domain) ?? { keys: [], pos: 0, at: new Map() };
      if (!list.keys.length) lists[c.kind].set(domain, list);
      list.at.set(c.spec.key, list.keys.length);
      list.keys.push(c.spec.key);
    }
  }
  return lists;
}

/** Whether each pool SPEC can be planned: every open dependency is a plannable pool SPEC. Iterative (long chains). */
function candidacy(
  pool: ReadonlyMap<string, { waiting: string[] }>,
  excluded: ReadonlyMap<string, unknown>,
): Map<string, boolean> {
  const state = new Map<string, boolean>();
  const visiting = new Set<string>();
  for (const root of pool.keys()) {
    if (state.has(root)) continue;
    const stack = [root];
    while (stack.length) {
      const key = stack[stack.length - 1]!;
      const entry = pool.get(key);
      if (state.has(key)) {
        stack.pop();
      } else if (!entry || excluded.has(key)) {
        state.set(key, false);
        stack.pop();
      } else if (!visiting.has(key)) {
        visiting.add(key);
        for (const dep of entry.waiting) if (!state.has(dep) && !visiting.has(dep)) stack.push(dep);
      } else {
        state.set(
          key,
          entry.waiting.every((dep) => state.get(dep) === true),
        );
        stack.pop();
      }
    }
  }
  return state;
}
