import type { PlanAgent, PlanInput, PlannedSpec, PlanOptions, PlanWork, SpecKind } from "../planner.js";
import type { Registry } from "../registry.js";
import { type Candidate, type Groups, NO_DOMAIN } from "./candidates.js";

/** One agent's batch while it is being planned. */
export interface AgentState {
  login: string;
  capacity: number;
  domains: Set<string>;
  specialist: boolean;
  fixes: PlannedSpec[];
  news: PlannedSpec[];
  holds: Set<string>;
  fixKeys: Set<string>;
  /** The domain each SPEC was taken for, and how many SPECs each domain of the batch has. */
  chosen: Map<string, string>;
  domainCount: Map<string, number>;
  /** SPECs of this batch that also appear in another batch. */
  shared: Set<string>;
  /** Chained candidates whose dependencies are all in this batch. */
  unlocked: Set<string>;
}

/** Everything the steps of the planner share: the grouped pool and the batches being built. */
export interface Planning extends Groups {
  registry: Registry;
  options: PlanOptions;
  agents: AgentState[];
  /** Domains some specialist takes. */
  claimed: Set<string>;
  /** Who holds each planned SPEC (the first holder of a shared one). */
  owner: Map<string, AgentState>;
  copies: Map<string, PlannedSpec[]>;
  work: PlanWork | undefined;
}

/** Phase 2, step 3: one empty batch per agent (logins compared without case, the first one kept). */
export function seatAgents(input: PlanInput, groups: Groups): Planning {
  const agents = dedupeAgents(input.agents).map(agentState);
  return {
    ...groups,
    registry: input.registry,
    options: input.options,
    agents,
    claimed: new Set(agents.flatMap((a) => [...a.domains])),
    owner: new Map(),
    copies: new Map(),
    work: input.work,
  };
}

function agentState(a: PlanAgent): AgentState {
  const domains = new Set(a.domains.map((d) => d.toLowerCase()));
  return {
    login: a.login,
    capacity: a.capacity ?? Number.POSITIVE_INFINITY,
    domains,
    specialist: domains.size > 0,
    fixes: [],
    news: [],
    holds: new Set(),
    fixKeys: new Set(),
    chosen: new Map(),
    domainCount: new Map(),
    shared: new Set(),
    unlocked: new Set(),
  };
}

function dedupeAgents(agents: readonly PlanAgent[]): PlanAgent[] {
  const seen = new Set<string>();
  return agents.filter((a) => {
    const key = a.login.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const sizeOf = (a: AgentState) => a.fixes.length + a.news.length;
/** How many SPECs the batch may hold under `limit`. */
export const capOf = (a: AgentState, limit: number) => Math.min(limit, a.capacity);

/**
 * Whether the agent may take a SPEC for `domain`: a specialist its own domains and SPECs without one; an agent
 * without domains anything, but a domain some specialist takes only when `spill` (what the specialists left).
 */
export function allowed(p: Planning, a: AgentState, domain: string, spill = true): boolean {
  if (domain === NO_DOMAIN) return true;
  return a.specialist ? a.domains.has(domain) : spill || !p.claimed.has(domain);
}

/** A candidate as one agent sees it on its turn; `better` orders them. */
export interface Choice {
  key: string;
  domain: string;
  /** 0: the agent's own domain (for an agent without domains: a domain no specialist takes). */
  tier: number;
  /** 1 when the SPEC adds a domain to the batch. */
  adds: number;
  /** Position of the SPEC's kind among the kinds the batch wants on this turn. */
  kind: number;
  rank: number;
}

export function better(a: Choice, b: Choice | null): boolean {
  if (!b) return true;
  if (a.tier !== b.tier) return a.tier < b.tier;
  if (a.adds !== b.adds) return a.adds < b.adds;
  if (a.kind !== b.kind) return a.kind < b.kind;
  return a.rank < b.rank;
}

export function choiceFor(p: Planning, a: AgentState, c: Candidate, domain: string, kind: number): Choice {
  const own = a.specialist ? a.domains.has(domain) : domain === NO_DOMAIN || !p.claimed.has(domain);
  const adds = domain !== NO_DOMAIN && a.domainCount.size > 0 && !a.domainCount.has(domain);
  return { key: c.spec.key, domain, kind, tier: own ? 0 : 1, adds: adds ? 1 : 0, rank: c.rank };
}

/** The best of `best` and the candidate, over the candidate's domains the agent may take. */
export function bestOf(
  p: Planning,
  a: AgentState,
  c: Candidate,
  kind: number,
  best: Choice | null,
  spill = true,
): Choice | null {
  let out = best;
  for (const domain of c.domains) {
    if (!allowed(p, a, domain, spill)) continue;
    const option = choiceFor(p, a, c, domain, kind);
    if (better(option, out)) out = option;
  }
  return out;
}

/** Whether a chained candidate may follow its open dependencies into this batch (all of them are in it). */
export const followsInto = (a: AgentState, c: Candidate) =>
  c.waiting.every((w) => (c.kind === "fix" ? a.fixKeys.has(w) : a.holds.has(w)));

export function place(p: Planning, a: AgentState, pick: Choice, shared: boolean): void {
  const c = p.candidates.get(pick.key)!;
  const planned: PlannedSpec = { spec: c.spec, kind: c.kind, shared };
  (c.kind === "fix" ? a.fixes : a.news).push(planned);
  a.holds.add(pick.key);
  if (c.kind === "fix") a.fixKeys.add(pick.key);
  a.chosen.set(pick.key, pick.domain);
  if (pick.domain !== NO_DOMAIN) a.domainCount.set(pick.domain, (a.domainCount.get(pick.domain) ?? 0) + 1);
  a.unlocked.delete(pick.key);
  if (!shared) p.owner.set(pick.key, a);
  const copies = p.copies.get(pick.key);
  if (copies) copies.push(planned);
  else p.copies.set(pick.key, [planned]);
  for (const dependent of p.registry.graph.dependents.get(pick.key) ?? []) {
    const d = p.candidates.get(dependent);
    if (d?.waiting.length && !p.owner.has(dependent) && !a.holds.has(dependent) && followsInto(a, d))
      a.unlocked.add(dependent);
  }
}

/** A SPEC that can leave its batch: in no other batch, waiting for nothing, and no SPEC of the batch follows it. */
export function movable(p: Planning, a: AgentState, key: string): boolean {
  const c = p.candidates.get(key)!;
  if (c.waiting.length || a.shared.has(key) || p.owner.get(key) !== a) return false;
  for (const dependent of p.registry.graph.dependents.get(key) ?? [])
    if (a.holds.has(dependent)) return false;
  return true;
}

/** Takes a movable SPEC out of its batch, back into the pool. */
export function unplace(p: Planning, a: AgentState, key: string): void {
  const c = p.candidates.get(key)!;
  const list = c.kind === "fix" ? a.fixes : a.news;
  list.splice(
    list.findIndex((s) => s.spec.key === key),
    1,
  );
  a.holds.delete(key);
  a.fixKeys.delete(key);
  const domain = a.chosen.get(key)!;
  a.chosen.delete(key);
  const left = (a.domainCount.get(domain) ?? 1) - 1;
  if (left > 0) a.domainCount.set(domain, left);
  else a.domainCount.delete(domain);
  p.owner.delete(key);
  p.copies.delete(key);
  for (const dependent of p.registry.graph.dependents.get(key) ?? [])
    if (a.unlocked.has(dependent)) a.unlocked.delete(dependent);
  for (const d of c.domains) {
    // Every key before `pos` is given out; this one is back.
    const ranked = p.lists[c.kind].get(d);
    const at = ranked?.at.get(key);
    if (ranked && at !== undefined) ranked.pos = Math.min(ranked.pos, at);
  }
}

export const kindOf = (p: Planning, key: string): SpecKind => p.candidates.get(key)!.kind;
