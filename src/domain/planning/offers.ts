import { type AgentState, kindOf, movable, type Planning, sizeOf } from "./batches.js";

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
  if (p.work) p.work.offers += c.fixes.length + c.news.length;
  for (const [fix, list] of [
    [true, c.fixes],
    [false, c.news],
  ] as const)
    for (const planned of list) {
      const key = planned.spec.key;
      if (!movable(p, c, key)) continue;
      const { domains, rank } = p.candidates.get(key)!;
      offers.push({ key, fix, domains, rank, loss: lossNeed(p, c, key, gain), giver });
    }
  return offers;
}
