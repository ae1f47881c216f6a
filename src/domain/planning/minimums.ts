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

/**
 * A SPEC another batch could give, as every node of one search sees it: whether it is movable, its kind, and the
 * need its giver is left with do not change while the search runs, so they are worked out once per search, not
 * once per node (a search visits up to two nodes per batch, each looking at every planned SPEC).
 */
interface Offer {
  key: string;
  fix: boolean;
  domains: readonly string[];
  rank: number;
  /** What the giver lacks once it gives the SPEC up (null: it stays at its minimums). */
  loss: Need | null;
}

function offersOf(p: Planning, ask: Ask): Offer[][] {
  return p.agents.map((c) => {
    const offers: Offer[] = [];
    [...c.fixes, ...c.news].forEach((planned, i) => {
      const key = planned.spec.key;
      const fix = i < c.fixes.length;
      if (!movable(p, c, key)) return;
      const candidate = p.candidates.get(key)!;
      const loss = lossNeed(p, c, key, c === ask.root ? ask.need : null);
      offers.push({ key, fix, domains: candidate.domains, rank: candidate.rank, loss });
    });
    return offers;
  });
}

/** Breadth first over batches, each visited once per need: the moves that end at a free SPEC or at a batch with surplus. */
function findPath(p: Planning, a: AgentState, need: Need): Move[] | null {
  const visited = new Set<string>([`${p.agents.indexOf(a)}:${need}`]);
  const queue: Node[] = [{ agent: a, need, move: null, parent: null }];
  let table: Offer[][] | null = null;
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const pool = fromPool(p, node);
    if (pool) return movesTo(node, pool);
    table ??= offersOf(p, { root: a, need });
    const { surplus, gives } = scan(p, node, table);
    if (surplus) return movesTo(node, surplus);
    for (const { c, index, key, need: left } of gives) {
      const state = `${index}:${left}`;
      if (visited.has(state)) continue;
      visited.add(state);
      queue.push({ agent: c, need: left, move: { key, from: c, to: node.agent }, parent: node });
    }
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

interface Give {
  c: AgentState;
  index: number;
  key: string;
  need: Need;
}

/**
 * One pass over what the other batches can give the node's batch (its need met: only fixes for a fix; a SPEC in
 * a domain the receiver may take). The end: the best SPEC of a batch with surplus (a batch already on the chain
 * counts too: its size is the same once the chain is done; so does the batch asking). The gives: per batch, at
 * most one SPEC per need it is left with ("any" first), as a batch is visited once per need. Best: fewer new
 * domains for the receiver first, then the SPEC its giver ranks lowest; the first of equals.
 */
function scan(p: Planning, node: Node, table: Offer[][]): { surplus: Move | null; gives: Give[] } {
  const to = node.agent;
  const allow = new Map<string, boolean>();
  const may = (d: string) => {
    if (!allow.has(d)) allow.set(d, allowed(p, to, d, true));
    return allow.get(d)!;
  };
  let end: { offer: Offer; c: AgentState; fits: number } | null = null;
  const gives: Give[] = [];
  p.agents.forEach((c, index) => {
    if (c === to) return;
    let any: { offer: Offer; fits: number } | null = null;
    let fix: { offer: Offer; fits: number } | null = null;
    for (const offer of table[index]!) {
      if (node.need === "fix" && !offer.fix) continue;
      if (!offer.domains.some(may)) continue;
      const fits = offer.domains.some((d) => to.domainCount.has(d)) || to.domainCount.size === 0 ? 0 : 1;
      if (offer.loss === null) {
        if (!end || better(offer, fits, end.offer, end.fits)) end = { offer, c, fits };
      } else if (offer.loss === "any") {
        if (!any || better(offer, fits, any.offer, any.fits)) any = { offer, fits };
      } else if (!fix || better(offer, fits, fix.offer, fix.fits)) fix = { offer, fits };
    }
    if (any) gives.push({ c, index, key: any.offer.key, need: "any" });
    if (fix) gives.push({ c, index, key: fix.offer.key, need: "fix" });
  });
  const best = end as { offer: Offer; c: AgentState } | null;
  return { surplus: best ? { key: best.offer.key, from: best.c, to } : null, gives };
}

function better(x: Offer, xFits: number, y: Offer, yFits: number): boolean {
  return xFits !== yFits ? xFits < yFits : x.rank > y.rank;
}

/** The position of the batch's least wanted movable new SPEC, if any. */
function releasable(p: Planning, a: AgentState): number | null {
  for (let i = a.news.length - 1; i >= 0; i--) if (movable(p, a, a.news[i]!.spec.key)) return i;
  return null;
}
