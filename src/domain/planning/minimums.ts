import {
  type AgentState,
  allowed,
  bestOf,
  capOf,
  kindOf,
  movable,
  type Planning,
  place,
  sizeOf,
  unplace,
} from "./batches.js";
import { kindGroups, pickFree } from "./fill.js";

/** What a batch below its minimums lacks: a priority fix, or any SPEC. */
type Need = "fix" | "any";

/** One SPEC changing hands: from a batch (or the pool, `null`) to a batch. */
interface Move {
  key: string;
  from: AgentState | null;
  to: AgentState;
}

/** The batch the search started from, and what it asked for. */
interface Ask {
  root: AgentState;
  need: Need;
}

interface Node {
  agent: AgentState;
  need: Need;
  /** The move that created this need (the agent gave `key` up), and the node that asked for it. */
  move: Move | null;
  parent: Node | null;
}

/**
 * Phase 2, step 5: bring every batch to `priority-fixes.min` fixes and `size.min` SPECs wherever some assignment
 * can. The turns above are greedy; a batch they leave short takes a SPEC from the pool or from a batch above its
 * minimums, possibly through a chain of batches each passing one SPEC on (an augmenting path, as in bipartite
 * matching: a batch's minimums are its slots). Nobody drops below a minimum they had, so specialists keep theirs.
 * A batch that fails once would fail again (augmenting paths only grow the matching), so each need is tried once.
 */
export function reachMinimums(p: Planning): void {
  const { size, fixes } = p.options;
  for (const a of p.agents) {
    if (capOf(a, size.max) < Math.max(size.min, fixes.min)) continue;
    for (const need of ["fix", "any"] as const) {
      while (deficit(p, a, need) > 0 && augment(p, a, need));
    }
  }
}

function deficit(p: Planning, a: AgentState, need: Need): number {
  return need === "fix" ? p.options.fixes.min - a.fixes.length : p.options.size.min - sizeOf(a);
}

/**
 * What batch `c` lacks once it gives `key` up; null when it stays at its minimums. The asking batch is judged as it
 * will be once its need is met (`gain`): a SPEC it gives then may leave it at its minimums.
 */
function lossNeed(p: Planning, c: AgentState, key: string, gain: Need | null = null): Need | null {
  const fixes = c.fixes.length + (gain === "fix" ? 1 : 0);
  const size = sizeOf(c) + (gain ? 1 : 0);
  if (kindOf(p, key) === "fix" && fixes <= p.options.fixes.min) return "fix";
  return size <= p.options.size.min ? "any" : null;
}

/**
 * One more SPEC for `a`'s need, if some chain of moves gives it. A full batch taking a priority fix gives its least
 * wanted movable new SPEC back to the pool, unless the chain already took one of its new SPECs.
 */
function augment(p: Planning, a: AgentState, need: Need): boolean {
  const full = sizeOf(a) >= capOf(a, p.options.size.max);
  if (full && (need === "any" || releasable(p, a) === null)) return false;
  if (!anyEnd(p, a, need)) return false;
  const path = findPath(p, a, need);
  if (!path) return false;
  for (const { key, from, to } of path) {
    if (from) unplace(p, from, key);
    place(p, to, bestOf(p, to, p.candidates.get(key)!, 0, null, true)!, false);
  }
  if (sizeOf(a) > capOf(a, p.options.size.max)) unplace(p, a, a.news[releasable(p, a)!]!.spec.key);
  return true;
}

/**
 * Whether a chain could end anywhere: a SPEC left in the pool, a batch above its minimums, or (for a priority fix)
 * the asking batch's own new SPECs beyond its minimum. Without one no search can succeed, so none is run: a pool
 * far too small for its agents costs nothing here.
 */
function anyEnd(p: Planning, a: AgentState, need: Need): boolean {
  const { size, fixes } = p.options;
  if (need === "fix" && a.news.length > Math.max(0, size.min - fixes.min)) return true;
  if (p.agents.some((c) => c !== a && (sizeOf(c) > size.min || c.fixes.length > fixes.min))) return true;
  for (const kind of ["fix", "new"] as const)
    for (const list of p.lists[kind].values())
      for (let i = list.pos; i < list.keys.length; i++) if (!p.owner.has(list.keys[i]!)) return true;
  return false;
}

/** Breadth first over batches, each visited once per need: the moves that end at a free SPEC or at a batch with surplus. */
function findPath(p: Planning, a: AgentState, need: Need): Move[] | null {
  const visited = new Set<string>([`${p.agents.indexOf(a)}:${need}`]);
  const queue: Node[] = [{ agent: a, need, move: null, parent: null }];
  const ask = { root: a, need };
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const end = fromPool(p, node) ?? fromSurplus(p, node, ask);
    if (end) return movesTo(node, end);
    p.agents.forEach((c, index) => {
      if (c === node.agent) return;
      for (const give of gives(p, node, c, ask)) {
        const state = `${index}:${give.need}`;
        if (visited.has(state)) continue;
        visited.add(state);
        const move = { key: give.key, from: c, to: node.agent };
        queue.push({ agent: c, need: give.need, move, parent: node });
      }
    });
  }
  return null;
}

function movesTo(node: Node, last: Move): Move[] {
  const moves = [last];
  for (let n: Node | null = node; n?.move; n = n.parent) moves.push(n.move);
  return moves;
}

function fromPool(p: Planning, { agent, need }: Node): Move | null {
  const kinds = need === "fix" ? (["fix"] as const) : kindGroups(p, agent).flat();
  const pick = pickFree(p, agent, kinds, true, false);
  return pick ? { key: pick.key, from: null, to: agent } : null;
}

/**
 * The SPEC a batch with surplus gives: one the receiver may take, its domains first, the giver's least wanted. A
 * batch already on the chain counts too: its size is the same once the chain is done. So does the batch asking.
 */
function fromSurplus(p: Planning, node: Node, ask: Ask): Move | null {
  let best: { move: Move; score: number[] } | null = null;
  for (const c of p.agents) {
    if (c === node.agent) continue;
    for (const key of offers(p, node, c)) {
      if (lossNeed(p, c, key, c === ask.root ? ask.need : null) !== null) continue;
      const score = scoreFor(p, node.agent, key);
      if (!best || less(score, best.score)) best = { move: { key, from: c, to: node.agent }, score };
    }
  }
  return best?.move ?? null;
}

/**
 * What `c` can give the node's batch, at most one SPEC per need it is left with (the receiver's domains first, the
 * giver's least wanted). A batch is visited once per need: giving a fix and a new SPEC leave different needs.
 */
function gives(p: Planning, node: Node, c: AgentState, ask: Ask): Array<{ key: string; need: Need }> {
  const best = new Map<Need, { key: string; score: number[] }>();
  for (const key of offers(p, node, c)) {
    const need = lossNeed(p, c, key, c === ask.root ? ask.need : null);
    if (need === null) continue;
    const score = scoreFor(p, node.agent, key);
    const current = best.get(need);
    if (!current || less(score, current.score)) best.set(need, { key, score });
  }
  return [...best]
    .sort(([x], [y]) => (x === y ? 0 : x === "any" ? -1 : 1))
    .map(([need, { key }]) => ({ key, need }));
}

/** The SPECs of `c` that could move to the node's batch and meet its need. */
function* offers(p: Planning, node: Node, c: AgentState): Generator<string> {
  for (const planned of node.need === "fix" ? c.fixes : [...c.fixes, ...c.news]) {
    const key = planned.spec.key;
    const candidate = p.candidates.get(key)!;
    if (!candidate.domains.some((d) => allowed(p, node.agent, d, true))) continue;
    if (movable(p, c, key)) yield key;
  }
}

/** Fewer new domains for the receiver first, then the SPEC its giver ranks lowest. */
function scoreFor(p: Planning, to: AgentState, key: string): number[] {
  const c = p.candidates.get(key)!;
  const fits = c.domains.some((d) => to.domainCount.has(d)) || to.domainCount.size === 0;
  return [fits ? 0 : 1, -c.rank];
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** The position of the batch's least wanted movable new SPEC, if any. */
function releasable(p: Planning, a: AgentState): number | null {
  for (let i = a.news.length - 1; i >= 0; i--) if (movable(p, a, a.news[i]!.spec.key)) return i;
  return null;
}
