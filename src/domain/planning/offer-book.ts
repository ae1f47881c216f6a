import type { AgentState, Planning } from "./batches.js";
import { NO_DOMAIN } from "./candidates.js";
import { type Need, type Offer, offersOf, stateOf } from "./offers.js";

/**
 * Every batch's offers, kept from one search to the next and indexed by domain, so a search looks at the few
 * offers its batches may take instead of every planned SPEC at every batch it visits (which made one search cost
 * batches × planned SPECs: the 5,000-SPEC cliff). A batch's offers depend on its own SPECs only, so only the
 * batches a chain of moves changed are worked out again (`changed`). Per need asked (`any`: every offer; `fix`:
 * priority fixes only) and domain:
 * - `surplus`: the offers that leave their giver at its minimums (a chain may end there), highest rank first;
 * - `states`: the states (`stateOf`) the other offers leave their givers in, in the order a search queues them.
 */
export interface OfferBook {
  /** Works the offers out, at the first search: a plan that needs none (a pool too small, or plentiful) pays nothing. */
  open(): void;
  indexOf(a: AgentState): number;
  of(giver: number): Offer[];
  surplus(need: Need, domain: string): readonly Offer[];
  states(need: Need, domain: string): readonly number[];
  /** How many offers (of any kind, or priority fixes) leave their giver with `loss`: one batch's, or all (`null`). */
  tally(need: Need, loss: Need | null, giver: number | null): number;
  /** The domains the batch may take a SPEC of, among those in the pool. */
  receivable(index: number): readonly string[];
  changed(agents: Iterable<AgentState>): void;
}

type Lists<T> = Record<Need, Map<string, T[]>>;
/** Per need, per loss (none, any, fix), per batch (the last: all batches together). */
type Tallies = Record<Need, number[][]>;
const LOSSES = [null, "any", "fix"] as const;
const NONE: readonly never[] = [];

interface Indexes {
  surplus: Lists<Offer>;
  states: Lists<number>;
  tallies: Tallies;
}

export function offerBook(p: Planning): OfferBook {
  const positions = new Map(p.agents.map((a, i) => [a, i]));
  const all = [...new Set([...p.lists.fix.keys(), ...p.lists.new.keys()])];
  const receivable = p.agents.map((a) => (a.specialist ? [...a.domains, NO_DOMAIN] : all));
  const zeros = () => LOSSES.map(() => new Array<number>(p.agents.length + 1).fill(0));
  const lists: Indexes = {
    surplus: { any: new Map(), fix: new Map() },
    states: { any: new Map(), fix: new Map() },
    tallies: { any: zeros(), fix: zeros() },
  };
  const { surplus, states, tallies } = lists;
  let kept: Offer[][] | null = null;
  const load = () => {
    if (kept) return;
    kept = p.agents.map((_, giver) => offersOf(p, giver, null));
    for (const offers of kept) index(lists, offers, null);
    for (const list of [...surplus.any.values(), ...surplus.fix.values()])
      list.sort((x, y) => y.rank - x.rank);
    for (const byDomain of [states.any, states.fix])
      for (const [domain, list] of byDomain)
        byDomain.set(
          domain,
          [...new Set(list)].sort((x, y) => x - y),
        );
  };
  return {
    indexOf: (a) => positions.get(a)!,
    open: load,
    of: (giver) => kept![giver]!,
    surplus: (need, domain) => surplus[need].get(domain) ?? NONE,
    states: (need, domain) => states[need].get(domain) ?? NONE,
    tally: (need, loss, giver) => tallies[need][LOSSES.indexOf(loss)]![giver ?? p.agents.length]!,
    receivable: (i) => receivable[i]!,
    changed: (agents) => {
      if (!kept) return;
      for (const a of agents) {
        const giver = positions.get(a)!;
        index(lists, kept[giver]!, false);
        kept[giver] = offersOf(p, giver, null);
        index(lists, kept[giver]!, true);
      }
    },
  };
}

/**
 * Adds a batch's offers to the sorted lists and the tallies, or takes them out; `null`: appends them (the lists
 * are sorted once all are in).
 */
function index(book: Indexes, offers: readonly Offer[], add: boolean | null): void {
  for (const offer of offers)
    for (const need of offer.fix ? (["any", "fix"] as const) : (["any"] as const)) {
      const tally = book.tallies[need][LOSSES.indexOf(offer.loss)]!;
      const sign = add === false ? -1 : 1;
      tally[offer.giver]! += sign;
      tally[tally.length - 1]! += sign;
      for (const domain of offer.domains) {
        if (offer.loss === null) {
          const list = listOf(book.surplus[need], domain);
          if (add === null) list.push(offer);
          else sortedSet(list, offer, byRank, add);
        } else {
          const list = listOf(book.states[need], domain);
          const state = stateOf(offer.giver, offer.loss);
          if (add === null) list.push(state);
          else sortedSet(list, state, Number, add);
        }
      }
    }
}

/** Surplus offers are kept highest rank first. */
const byRank = (offer: Offer) => -offer.rank;

/** Puts `item` into a list sorted by `order` without duplicates (`add`), or takes it out. */
function sortedSet<T>(list: T[], item: T, order: (x: T) => number, add: boolean): void {
  const key = order(item);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === item) {
    if (!add) list.splice(lo, 1);
  } else if (add) list.splice(lo, 0, item);
}

function listOf<T>(lists: Map<string, T[]>, domain: string): T[] {
  let list = lists.get(domain);
  if (!list) {
    list = [];
    lists.set(domain, list);
  }
  return list;
}
