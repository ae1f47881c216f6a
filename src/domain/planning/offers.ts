import { type AgentState, kindOf, movable, type Planning, sizeOf } from "./batches.js";
import { NO_DOMAIN } from "./candidates.js";

/** What a batch below its minimums lacks: a priority fix, or any SPEC. */
export type Need = "fix" | "any";

/** A SPEC a batch could give another one while the batches are brought to their minimums. */
export interface Offer {
  key: string;
  fix: boolean;
  domains: readonly string[];
  rank: number;
  /** What the giver lacks once it gives the SPEC up (null: it stays at its minimums). */
  loss: Need | null;
  /** The giver's position among the agents. */
  giver: number;
}

/** A batch in a search, with the need it has: `giver × 2`, plus 1 for a priority fix. */
export const stateOf = (giver: number, need: Need) => giver * 2 + (need === "fix" ? 1 : 0);

/**
 * What batch `c` lacks once it gives `key` up; null when it stays at its minimums. The asking batch is judged as it
 * will be once its need is met (`gain`): a SPEC it gives then may leave it at its minimums.
 */
export function lossNeed(p: Planning, c: AgentState, key: string, gain: Need | null = null): Need | null {
  const fixes = c.fixes.length + (gain === "fix" ? 1 : 0);
  const size = sizeOf(c) + (gain ? 1 : 0);
  if (kindOf(p, key) === "fix" && fixes <= p.options.fixes.min) return "fix";
  return size <= p.options.size.min ? "any" : null;
}

/** What the batch at `giver` can give: its movable SPECs, priority fixes first, judged with `gain` if it asks. */
export function offersOf(p: Planning, giver: number, gain: Need | null): Offer[] {
  const c = p.agents[giver]!;
  const offers: Offer[] = [];
  [...c.fixes, ...c.news].forEach((planned, i) => {
    const key = planned.spec.key;
    if (!movable(p, c, key)) return;
    const candidate = p.candidates.get(key)!;
    const loss = lossNeed(p, c, key, gain);
    offers.push({
      key,
      fix: i < c.fixes.length,
      domains: candidate.domains,
      rank: candidate.rank,
      loss,
      giver,
    });
  });
  return offers;
}

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
const NONE: readonly never[] = [];

export function offerBook(p: Planning): OfferBook {
  const positions = new Map(p.agents.map((a, i) => [a, i]));
  const all = [...new Set([...p.lists.fix.keys(), ...p.lists.new.keys()])];
  const receivable = p.agents.map((a) => (a.specialist ? [...a.domains, NO_DOMAIN] : all));
  const surplus: Lists<Offer> = { any: new Map(), fix: new Map() };
  const states: Lists<number> = { any: new Map(), fix: new Map() };
  const counts = new Map<string, number[]>();
  const count = (offers: readonly Offer[], sign: number) => {
    for (const offer of offers)
      for (const need of offer.fix ? (["any", "fix"] as const) : (["any"] as const)) {
        const key = `${need}:${offer.loss}`;
        let list = counts.get(key);
        if (!list) {
          list = p.agents.map(() => 0).concat(0);
          counts.set(key, list);
        }
        list[offer.giver]! += sign;
        list[p.agents.length]! += sign;
      }
  };
  let kept: Offer[][] | null = null;
  const load = () => {
    if (kept) return;
    kept = p.agents.map((_, giver) => offersOf(p, giver, null));
    for (const offers of kept) {
      index(surplus, states, offers, null);
      count(offers, 1);
    }
    for (const list of [...surplus.any.values(), ...surplus.fix.values()])
      list.sort((x, y) => y.rank - x.rank);
    for (const [need, lists] of Object.entries(states))
      for (const [domain, list] of lists)
        states[need as Need].set(
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
    tally: (need, loss, giver) => counts.get(`${need}:${loss}`)?.[giver ?? p.agents.length] ?? 0,
    receivable: (i) => receivable[i]!,
    changed: (agents) => {
      if (!kept) return;
      for (const a of agents) {
        const giver = positions.get(a)!;
        index(surplus, states, kept[giver]!, false);
        count(kept[giver]!, -1);
        kept[giver] = offersOf(p, giver, null);
        index(surplus, states, kept[giver]!, true);
        count(kept[giver]!, 1);
      }
    },
  };
}

/** Adds a batch's offers to the sorted lists, or takes them out; `null`: appends them (sorted once loaded). */
function index(
  surplus: Lists<Offer>,
  states: Lists<number>,
  offers: readonly Offer[],
  add: boolean | null,
): void {
  for (const offer of offers)
    for (const need of offer.fix ? (["any", "fix"] as const) : (["any"] as const))
      for (const domain of offer.domains) {
        if (offer.loss === null) {
          const list = listOf(surplus[need], domain);
          if (add === null) list.push(offer);
          else sortedSet(list, offer, (x) => x.rank > offer.rank, add);
        } else {
          const state = stateOf(offer.giver, offer.loss);
          const list = listOf(states[need], domain);
          if (add === null) list.push(state);
          else sortedSet(list, state, (x) => x < state, add);
        }
      }
}

/** Puts `item` into a sorted list without duplicates (`add`), or takes it out. */
function sortedSet<T>(list: T[], item: T, before: (x: T) => boolean, add: boolean): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!)) lo = mid + 1;
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
