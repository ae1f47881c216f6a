import { type AgentState, bestOf, capOf, movable, type Planning, place, sizeOf, unplace } from "./batches.js";
import { type OfferBook, offerBook } from "./offer-book.js";
import type { Need } from "./offers.js";
import { findPath } from "./search.js";

/**
 * Phase 2, step 5: bring every batch to `priority-fixes.min` fixes and `size.min` SPECs wherever some assignment
 * can. The turns above are greedy; a batch they leave short takes a SPEC from the pool or from a batch above its
 * minimums, possibly through a chain of batches each passing one SPEC on (an augmenting path, as in bipartite
 * matching: a batch's minimums are its slots). Nobody drops below a minimum they had, so specialists keep theirs.
 * A batch that fails once would fail again (augmenting paths only grow the matching), so each need is tried once.
 */
export function reachMinimums(p: Planning): void {
  const { size, fixes } = p.options;
  const book = offerBook(p);
  for (const a of p.agents) {
    if (capOf(a, size.max) < Math.max(size.min, fixes.min)) continue;
    for (const need of ["fix", "any"] as const) {
      while (deficit(p, a, need) > 0 && augment(p, a, need, book));
    }
  }
}

function deficit(p: Planning, a: AgentState, need: Need): number {
  return need === "fix" ? p.options.fixes.min - a.fixes.length : p.options.size.min - sizeOf(a);
}

/**
 * One more SPEC for `a`'s need, if some chain of moves gives it. A full batch taking a priority fix gives its least
 * wanted movable new SPEC back to the pool, unless the chain already took one of its new SPECs.
 */
function augment(p: Planning, a: AgentState, need: Need, book: OfferBook): boolean {
  const full = sizeOf(a) >= capOf(a, p.options.size.max);
  if (full && (need === "any" || releasable(p, a) === null)) return false;
  if (!anyEnd(p, a, need)) return false;
  if (p.work) p.work.searches++;
  const path = findPath(p, a, need, book);
  if (!path) return false;
  for (const { key, from, to } of path) {
    if (from) unplace(p, from, key);
    place(p, to, bestOf(p, to, p.candidates.get(key)!, 0, null, true)!, false);
  }
  if (sizeOf(a) > capOf(a, p.options.size.max)) unplace(p, a, a.news[releasable(p, a)!]!.spec.key);
  book.changed(new Set(path.flatMap((m) => (m.from ? [m.from, m.to] : [m.to]))));
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
    for (const list of p.lists[kind].values()) {
      // Given-out SPECs are skipped for good, as `pickFree` does (a SPEC given back resets `pos`).
      while (list.pos < list.keys.length && p.owner.has(list.keys[list.pos]!)) list.pos++;
      if (list.pos < list.keys.length) return true;
    }
  return false;
}

/** The position of the batch's least wanted movable new SPEC, if any. */
function releasable(p: Planning, a: AgentState): number | null {
  for (let i = a.news.length - 1; i >= 0; i--) if (movable(p, a, a.news[i]!.spec.key)) return i;
  return null;
}
