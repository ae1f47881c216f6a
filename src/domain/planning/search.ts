import { type AgentState, allowed, type Planning } from "./batches.js";
import { kindGroups, pickFree } from "./fill.js";
import type { OfferBook } from "./offer-book.js";
import { type Need, type Offer, offersOf, stateOf } from "./offers.js";

/** One SPEC changing hands: from a batch (or the pool, `null`) to a batch. */
export interface Move {
  key: string;
  from: AgentState | null;
  to: AgentState;
}

interface Node {
  agent: AgentState;
  index: number;
  need: Need;
  /** The move that created this need (the agent gave `key` up), and the node that asked for it. */
  move: Move | null;
  parent: Node | null;
}

/** One search: nothing changes while it runs, so what it learns of the pool and the offers holds to its end. */
interface Search {
  p: Planning;
  book: OfferBook;
  root: number;
  /** The asking batch judged as it will be once its need is met: a SPEC it gives then may leave it at its minimums. */
  rootOffers: Offer[];
  visited: Uint8Array;
  /** The book's `states` lists as this search has them: copied when first used, visited states dropped. */
  states: Record<Need, Map<string, number[]>>;
  /** Per kind, the domains with a SPEC left in the pool. */
  free: { fix: Set<string>; new: Set<string> };
}

/** Breadth first over batches, each visited once per need: the moves that end at a free SPEC or at a batch with surplus. */
export function findPath(p: Planning, a: AgentState, need: Need, book: OfferBook): Move[] | null {
  book.open();
  const root = book.indexOf(a);
  const s: Search = {
    p,
    book,
    root,
    rootOffers: offersOf(p, root, need),
    visited: new Uint8Array(p.agents.length * 2),
    states: { any: new Map(), fix: new Map() },
    free: { fix: freeDomains(p, "fix"), new: freeDomains(p, "new") },
  };
  if (!canEnd(s, need)) return null;
  s.visited[stateOf(root, need)] = 1;
  const queue: Node[] = [{ agent: a, index: root, need, move: null, parent: null }];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (p.work) p.work.nodes++;
    const end = fromPool(s, node) ?? bestSurplus(s, node);
    if (end) return movesTo(node, end);
    for (const state of gives(s, node)) {
      const c = p.agents[state >> 1]!;
      const move = { key: bestGive(s, node, state), from: c, to: node.agent };
      queue.push({ agent: c, index: state >> 1, need: state & 1 ? "fix" : "any", move, parent: node });
    }
  }
  return null;
}

/**
 * Whether a chain could end at all: a SPEC left in the pool or an offer that leaves its giver at its minimums
 * (the asking batch's judged with its need met). A search asking for a priority fix, where no fix leaves its
 * giver needing any SPEC, reaches only batches needing a fix: only a free or a surplus fix can end it. A plan
 * with no end left is common (every batch at its minimums or short, the rest asking in vain): this answers
 * those searches without visiting every batch.
 */
function canEnd(s: Search, need: Need): boolean {
  if (s.free.fix.size > 0) return true;
  const others = (filter: Need, loss: Need | null) => {
    let n = s.book.tally(filter, loss, null) - s.book.tally(filter, loss, s.root);
    for (const offer of s.rootOffers) if (offer.loss === loss && (filter === "any" || offer.fix)) n++;
    return n;
  };
  if (need === "fix" && others("fix", "any") === 0) return others("fix", null) > 0;
  return s.free.new.size > 0 || others("any", null) > 0;
}

function movesTo(node: Node, last: Move): Move[] {
  const moves = [last];
  for (let n: Node | null = node; n?.move; n = n.parent) moves.push(n.move);
  return moves;
}

function freeDomains(p: Planning, kind: "fix" | "new"): Set<string> {
  const free = new Set<string>();
  for (const [domain, list] of p.lists[kind]) {
    // Given-out SPECs are skipped for good, as `pickFree` does.
    while (list.pos < list.keys.length && p.owner.has(list.keys[list.pos]!)) list.pos++;
    if (list.pos < list.keys.length) free.add(domain);
  }
  return free;
}

/** A SPEC from the pool, when one is left that the batch may take (most nodes of a long search find none). */
function fromPool(s: Search, { agent, index, need }: Node): Move | null {
  if (!poolHas(s, index, need)) return null;
  const kinds = need === "fix" ? (["fix"] as const) : kindGroups(s.p, agent).flat();
  const pick = pickFree(s.p, agent, kinds, true, false);
  return pick ? { key: pick.key, from: null, to: agent } : null;
}

function poolHas(s: Search, index: number, need: Need): boolean {
  if (s.free.fix.size === 0 && (need === "fix" || s.free.new.size === 0)) return false;
  for (const domain of s.book.receivable(index))
    if (s.free.fix.has(domain) || (need === "any" && s.free.new.has(domain))) return true;
  return false;
}

/** 0 when the SPEC adds no domain to the receiving batch. */
function fitsOf(to: AgentState, offer: Offer): number {
  if (to.domainCount.size === 0) return 0;
  for (const domain of offer.domains) if (to.domainCount.has(domain)) return 0;
  return 1;
}

/** Best: fewer new domains for the receiver first, then the SPEC its giver ranks lowest. */
function better(x: Offer, xFits: number, y: Offer | null, yFits: number): boolean {
  return !y || (xFits !== yFits ? xFits < yFits : x.rank > y.rank);
}

function allows(p: Planning, to: AgentState, offer: Offer): boolean {
  for (const domain of offer.domains) if (allowed(p, to, domain, true)) return true;
  return false;
}

/** The best SPEC at the head of the domains' surplus lists, from a batch other than the node's and the asking one. */
function head(s: Search, node: Node, domains: Iterable<string>): Offer | null {
  let best: Offer | null = null;
  for (const domain of domains)
    for (const offer of s.book.surplus(node.need, domain)) {
      if (s.p.work) s.p.work.offers++;
      if (offer.giver === node.index || offer.giver === s.root) continue;
      if (!best || offer.rank > best.rank) best = offer;
      break;
    }
  return best;
}

/**
 * The end of a chain: the best SPEC a batch with surplus can give the node's batch (a batch already on the chain
 * counts too: its size is the same once the chain is done; so does the batch asking, judged with its need met).
 * The surplus lists are best first, so the best is at the head of a list: first among the domains the batch
 * already has (no new domain), then among all it may take.
 */
function bestSurplus(s: Search, node: Node): Move | null {
  const to = node.agent;
  let best: Offer | null = null;
  let bestFits = 0;
  // Most nodes of a long search are in a plan with no surplus left for them: no list to look at.
  const mine =
    s.book.tally(node.need, null, s.root) +
    (node.index === s.root ? 0 : s.book.tally(node.need, null, node.index));
  if (s.book.tally(node.need, null, null) > mine) {
    if (to.domainCount.size > 0) best = head(s, node, to.domainCount.keys());
    if (!best)
      [best, bestFits] = [head(s, node, s.book.receivable(node.index)), to.domainCount.size > 0 ? 1 : 0];
  }
  if (node.index !== s.root)
    for (const offer of s.rootOffers) {
      if (offer.loss !== null || (node.need === "fix" && !offer.fix) || !allows(s.p, to, offer)) continue;
      const fits = fitsOf(to, offer);
      if (better(offer, fits, best, bestFits)) [best, bestFits] = [offer, fits];
    }
  return best ? { key: best.key, from: s.p.agents[best.giver]!, to } : null;
}

/**
 * The states not yet visited that the node's batch can take a SPEC from (only priority fixes for a fix), in queue
 * order (batch, then "any" before "fix"): a batch gives at most one SPEC per need it is left with. They are marked
 * visited here, as the search queues them all; a list drops them, so each entry is looked at about once.
 */
function gives(s: Search, node: Node): number[] {
  const found: number[] = [];
  for (const domain of s.book.receivable(node.index)) {
    let list = s.states[node.need].get(domain);
    if (!list) {
      list = [...s.book.states(node.need, domain)];
      s.states[node.need].set(domain, list);
    }
    let kept = 0;
    for (const state of list) {
      if (s.p.work) s.p.work.offers++;
      // The asking batch's states come from its own offers, below.
      if (s.visited[state] || state >> 1 === s.root) continue;
      if (state >> 1 === node.index) list[kept++] = state;
      else {
        s.visited[state] = 1;
        found.push(state);
      }
    }
    list.length = kept;
  }
  if (node.index !== s.root)
    for (const offer of s.rootOffers) {
      if (offer.loss === null || (node.need === "fix" && !offer.fix) || !allows(s.p, node.agent, offer))
        continue;
      const state = stateOf(s.root, offer.loss);
      if (s.visited[state]) continue;
      s.visited[state] = 1;
      found.push(state);
    }
  return found.sort((x, y) => x - y);
}

/** The SPEC the giver of `state` gives the node's batch: fewer new domains first, then the one it ranks lowest. */
function bestGive(s: Search, node: Node, state: number): string {
  const loss: Need = state & 1 ? "fix" : "any";
  let best: Offer | null = null;
  let bestFits = 0;
  for (const offer of state >> 1 === s.root ? s.rootOffers : s.book.of(state >> 1)) {
    if (s.p.work) s.p.work.offers++;
    if (offer.loss !== loss || (node.need === "fix" && !offer.fix) || !allows(s.p, node.agent, offer))
      continue;
    const fits = fitsOf(node.agent, offer);
    if (better(offer, fits, best, bestFits)) [best, bestFits] = [offer, fits];
  }
  return best!.key;
}
