import type { SpecKind } from "../planner.js";
import {
  type AgentState,
  allowed,
  bestOf,
  better,
  type Choice,
  capOf,
  choiceFor,
  followsInto,
  type Planning,
  place,
  sizeOf,
} from "./batches.js";
import type { Candidate } from "./candidates.js";

/**
 * Phase 2, step 4: agents take turns, one SPEC per turn, so a short pool shrinks every batch evenly. Specialists
 * are served first: until they can take nothing more (up to `limit`), an agent without domains takes only SPECs
 * without a domain or of domains no specialist takes; then it takes what the specialists left.
 */
export function fillBatches(p: Planning, limit: number): void {
  takeTurns(p, limit, false);
  takeTurns(p, limit, true);
}

function takeTurns(p: Planning, limit: number, spill: boolean): void {
  let turn = p.agents.filter((a) => sizeOf(a) < capOf(a, limit));
  while (turn.length) {
    const next: AgentState[] = [];
    for (const a of turn) {
      let pick: Choice | null = null;
      for (const kinds of kindGroups(p, a)) {
        pick = pickFree(p, a, kinds, spill);
        if (pick) break;
      }
      if (!pick) continue;
      place(p, a, pick, false);
      if (sizeOf(a) < capOf(a, limit)) next.push(a);
    }
    turn = next;
  }
}

/**
 * The kinds a batch wants on its turn, most wanted first; kinds in one group compete (fewer domains first, then
 * the group's order). A kind below its minimum comes alone. Past both minimums the kinds compete: one with room
 * under its maximum before one that would only fill, unless only the filler keeps the batch to fewer domains.
 */
export function kindGroups(p: Planning, a: AgentState): SpecKind[][] {
  const { fixes, newWork } = p.options;
  const f = a.fixes.length;
  const n = a.news.length;
  if (f < fixes.min) return [["fix"], ["new"]];
  if (n < newWork.min) return [["new"], ["fix"]];
  return n < newWork.max && f >= fixes.max ? [["new", "fix"]] : [["fix", "new"]];
}

/**
 * The agent's best unplanned SPEC of `kinds`: the head of each ranked list, and (with `chains`) the chained SPECs
 * its batch unlocked.
 */
export function pickFree(
  p: Planning,
  a: AgentState,
  kinds: readonly SpecKind[],
  spill: boolean,
  chains = true,
): Choice | null {
  let best: Choice | null = null;
  kinds.forEach((kind, order) => {
    for (const [domain, list] of p.lists[kind]) {
      if (!allowed(p, a, domain, spill)) continue;
      while (list.pos < list.keys.length && p.owner.has(list.keys[list.pos]!)) list.pos++;
      const key = list.keys[list.pos];
      if (key === undefined) continue;
      const option = choiceFor(p, a, p.candidates.get(key)!, domain, order);
      if (better(option, best)) best = option;
    }
  });
  if (chains)
    for (const key of a.unlocked) {
      const c = p.candidates.get(key)!;
      const order = kinds.indexOf(c.kind);
      if (order === -1 || p.owner.has(key)) continue;
      best = bestOf(p, a, c, order, best, spill);
    }
  return best;
}

/** With `overlap`: agents take turns copying a SPEC from another batch, while both batches stay within it. */
export function shareOverlap(p: Planning): void {
  const { overlap, size } = p.options;
  const placed = [...p.candidates.values()].filter((c) => p.owner.has(c.spec.key));
  const open = (a: AgentState) => a.shared.size < overlap && sizeOf(a) < capOf(a, size.max);
  let turn = p.agents.filter(open);
  while (turn.length) {
    const next: AgentState[] = [];
    for (const a of turn) {
      if (!open(a)) continue;
      const pick = pickShared(p, a, placed);
      if (!pick) continue;
      place(p, a, pick, true);
      a.shared.add(pick.key);
      p.owner.get(pick.key)!.shared.add(pick.key);
      for (const copy of p.copies.get(pick.key)!) copy.shared = true;
      next.push(a);
    }
    turn = next;
  }
}

function pickShared(p: Planning, a: AgentState, placed: readonly Candidate[]): Choice | null {
  for (const kinds of kindGroups(p, a)) {
    let pick: Choice | null = null;
    for (const c of placed) {
      const order = kinds.indexOf(c.kind);
      const from = p.owner.get(c.spec.key)!;
      if (order === -1 || from === a || a.holds.has(c.spec.key)) continue;
      if (from.shared.size >= p.options.overlap && !from.shared.has(c.spec.key)) continue;
      if (!followsInto(a, c)) continue;
      pick = bestOf(p, a, c, order, pick);
    }
    if (pick) return pick;
  }
  return null;
}
