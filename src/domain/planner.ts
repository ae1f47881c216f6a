import type { BatchIssue } from "./batch.js";
import type { BatchConfig } from "./config.js";
import { assessReadiness, type DependencyProblem, dependencyStatus, type StatusLookup } from "./readiness.js";
import { type IssueRef, refKey } from "./references.js";
import type { Registry } from "./registry.js";
import { PRIORITIES, type Spec } from "./spec.js";

export interface Range {
  min: number;
  max: number;
}

/** An agent to plan for; with `domains` it takes only SPECs of those domains and SPECs without a domain. */
export interface PlanAgent {
  login: string;
  domains: readonly string[];
  /** At most this many SPECs (default `size.max`); 0 for an agent that already got its batch from this command. */
  capacity?: number;
}

export interface PlanOptions {
  size: Range;
  /** Partial SPECs per batch. */
  fixes: Range;
  /** New SPECs per batch. */
  newWork: Range;
  /** How many SPECs of each batch may also appear in other batches of the same plan. */
  overlap: number;
  /** Plan only SPECs of this domain (`--domain`). */
  domain: string | null;
}

export function planOptions(
  batch: BatchConfig["batch"],
  overrides: { size?: number | null; domain?: string | null } = {},
): PlanOptions {
  const max = overrides.size ?? batch.size.max;
  return {
    size: { min: Math.min(batch.size.min, max), max },
    fixes: batch["priority-fixes"],
    newWork: batch["new-work"],
    overlap: batch.overlap,
    domain: overrides.domain ?? null,
  };
}

export interface PlanInput {
  registry: Registry;
  /** States of dependencies outside the registry (other repositories, issues that are no SPEC). */
  status: StatusLookup;
  /** Open batch issues: their SPECs are taken. */
  active: readonly BatchIssue[];
  agents: readonly PlanAgent[];
  options: PlanOptions;
}

export type SpecKind = "fix" | "new";

export interface PlannedSpec {
  spec: Spec;
  kind: SpecKind;
  /** Also in another batch of this plan (overlap). */
  shared: boolean;
}

/** One agent's batch: priority fixes first, then new implementations; every SPEC after its dependencies. */
export interface PlannedBatch {
  agent: string;
  specs: PlannedSpec[];
}

export type LeftoverReason =
  | "blocked"
  | "in-batch"
  | "assigned"
  | "no-agent"
  | "no-capacity"
  | "other-domain";

export interface WaitingOn {
  ref: IssueRef;
  /** The agent this plan gives the dependency to, if any. */
  plannedFor: string | null;
  /** The open batch issue already holding the dependency, if any. */
  inBatch: number | null;
}

export interface Leftover {
  spec: Spec;
  reason: LeftoverReason;
  /** `in-batch`: the batch issue that has it. */
  batch?: { number: number; agent: string };
  /** `blocked`: what it waits for. */
  waitingOn?: WaitingOn[];
  /** `blocked`: problems that no plan can solve (cycles, unreadable or abandoned dependencies). */
  problems?: DependencyProblem[];
}

export interface Plan {
  batches: PlannedBatch[];
  /** Every open SPEC that is in no batch of this plan, in issue-number order. */
  leftovers: Leftover[];
}

const NO_DOMAIN = "";

interface Candidate {
  spec: Spec;
  kind: SpecKind;
  /** Lower-cased domains, or `[NO_DOMAIN]`. */
  domains: string[];
  /** Open dependencies (all candidates themselves): the SPEC can only follow them into the same batch. */
  waiting: string[];
  rank: number;
}

interface AgentState {
  login: string;
  capacity: number;
  domains: Set<string>;
  specialist: boolean;
  fixes: PlannedSpec[];
  news: PlannedSpec[];
  holds: Set<string>;
  fixKeys: Set<string>;
  batchDomains: Set<string>;
  /** SPECs of this batch that also appear in another batch. */
  shared: Set<string>;
  /** Chained candidates whose dependencies are all in this batch. */
  unlocked: Set<string>;
}

interface Choice {
  key: string;
  domain: string;
  tier: number;
  adds: number;
  /** Position of the SPEC's kind among the kinds the batch wants on this turn. */
  kind: number;
  rank: number;
}

function better(a: Choice, b: Choice | null): boolean {
  if (!b) return true;
  if (a.tier !== b.tier) return a.tier < b.tier;
  if (a.adds !== b.adds) return a.adds < b.adds;
  if (a.kind !== b.kind) return a.kind < b.kind;
  return a.rank < b.rank;
}

const sizeOf = (a: AgentState) => a.fixes.length + a.news.length;

/**
 * Plans one batch per agent from the registry. Pure and deterministic: the same input gives the same plan.
 *
 * Agents pick in turns, one SPEC per turn, so a short pool shrinks every batch evenly. On its turn an agent takes
 * the kind its batch lacks (partial SPECs up to `fixes`, new ones up to `newWork`, either kind filling the rest up
 * to `size.max`; see `kindGroups`) and the best SPEC by: its own domains first (or, for an agent without domains,
 * domains no specialist claims), then no new domain for the batch, then kind, then priority, then most open
 * dependents, then issue number. A SPEC whose open dependencies are all in one agent's batch can only follow them
 * there. With `overlap`, batches first fill to `size.max - overlap`, then copy SPECs from each other, then top up.
 */
export function planBatches(input: PlanInput): Plan {
  const { registry, options } = input;
  const leftovers: Leftover[] = [];
  const held = new Map<string, { number: number; agent: string }>();
  for (const batch of input.active) {
    if (batch.state !== "OPEN") continue;
    for (const number of batch.meta.specs)
      held.set(refKey({ ...registry.repo, number }), { number: batch.number, agent: batch.meta.agent });
  }
  const wantedDomain = options.domain?.toLowerCase() ?? null;

  // 1. The pool: open SPECs that nobody holds and no dependency problem stops.
  const pool = new Map<string, PoolEntry>();
  const problemBlocked = new Map<string, Leftover>();
  const open = [...registry.specs.values()]
    .filter((s) => s.state === "OPEN")
    .sort((a, b) => a.number - b.number);
  for (const spec of open) {
    const batch = held.get(spec.key);
    if (batch) {
      leftovers.push({ spec, reason: "in-batch", batch });
      continue;
    }
    if (spec.assignees.length) {
      leftovers.push({ spec, reason: "assigned" });
      continue;
    }
    const domains = lowerDomains(spec);
    if (wantedDomain !== null && !domains.includes(wantedDomain)) {
      leftovers.push({ spec, reason: "other-domain" });
      continue;
    }
    const entry = openDependencies(spec, registry) ?? readinessEntry(spec, input.status, registry);
    if (entry.problems.length) {
      const leftover: Leftover = { spec, reason: "blocked", problems: entry.problems };
      leftovers.push(leftover);
      problemBlocked.set(spec.key, leftover);
    }
    pool.set(spec.key, { spec, domains, waiting: entry.waiting, waitingOn: entry.waitingOn });
  }

  // 2. Candidates: SPECs whose open dependencies are all candidates too (a chain can go to one agent in order).
  const isCandidate = candidacy(pool, problemBlocked);
  const openDependents = (key: string) => {
    let count = 0;
    for (const d of registry.graph.dependents.get(key) ?? [])
      if (registry.specs.get(d)?.state === "OPEN") count++;
    return count;
  };
  const candidates = new Map<string, Candidate>();
  const ordered = [...pool.values()]
    .filter((p) => isCandidate.get(p.spec.key))
    .map((p) => ({
      p,
      priority: PRIORITIES.indexOf(p.spec.priority),
      dependents: openDependents(p.spec.key),
    }))
    .sort(
      (a, b) => a.priority - b.priority || b.dependents - a.dependents || a.p.spec.number - b.p.spec.number,
    );
  ordered.forEach(({ p }, rank) => {
    candidates.set(p.spec.key, {
      spec: p.spec,
      kind: p.spec.partial ? "fix" : "new",
      domains: p.domains.length ? p.domains : [NO_DOMAIN],
      waiting: p.waiting,
      rank,
    });
  });

  // 3. Free candidates (no open dependency) in one ranked list per kind and domain.
  const lists: Record<SpecKind, Map<string, { keys: string[]; pos: number }>> = {
    fix: new Map(),
    new: new Map(),
  };
  for (const c of candidates.values()) {
    if (c.waiting.length) continue;
    for (const domain of c.domains) {
      const byDomain = lists[c.kind];
      const list = byDomain.get(domain);
      if (list) list.keys.push(c.spec.key);
      else byDomain.set(domain, { keys: [c.spec.key], pos: 0 });
    }
  }

  const agents: AgentState[] = dedupeAgents(input.agents).map((a) => {
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
      batchDomains: new Set(),
      shared: new Set(),
      unlocked: new Set(),
    };
  });
  const claimed = new Set(agents.flatMap((a) => [...a.domains]));
  const owner = new Map<string, AgentState>();
  const plannedCopies = new Map<string, PlannedSpec[]>();

  const allowed = (a: AgentState, domain: string) =>
    !a.specialist || domain === NO_DOMAIN || a.domains.has(domain);
  const choice = (a: AgentState, c: Candidate, domain: string, kind: number): Choice => ({
    key: c.spec.key,
    domain,
    kind,
    tier: a.specialist
      ? a.domains.has(domain)
        ? 0
        : 1
      : domain === NO_DOMAIN || !claimed.has(domain)
        ? 0
        : 1,
    adds: domain !== NO_DOMAIN && a.batchDomains.size > 0 && !a.batchDomains.has(domain) ? 1 : 0,
    rank: c.rank,
  });
  const followsInto = (a: AgentState, c: Candidate) =>
    c.waiting.every((w) => (c.kind === "fix" ? a.fixKeys.has(w) : a.holds.has(w)));
  const bestOf = (a: AgentState, c: Candidate, kind: number, best: Choice | null): Choice | null => {
    let out = best;
    for (const domain of c.domains) {
      if (!allowed(a, domain)) continue;
      const option = choice(a, c, domain, kind);
      if (better(option, out)) out = option;
    }
    return out;
  };

  /**
   * The kinds a batch wants on its turn, most wanted first; kinds in one group compete (fewer domains first, then
   * the group's order). A kind below its minimum comes alone. Past both minimums the kinds compete: one with room
   * under its maximum before one that would only fill, unless only the filler keeps the batch to fewer domains.
   */
  const kindGroups = (a: AgentState): SpecKind[][] => {
    const f = a.fixes.length;
    const n = a.news.length;
    if (f < options.fixes.min) return [["fix"], ["new"]];
    if (n < options.newWork.min) return [["new"], ["fix"]];
    return n < options.newWork.max && f >= options.fixes.max ? [["new", "fix"]] : [["fix", "new"]];
  };

  const pickPrimary = (a: AgentState, kinds: readonly SpecKind[]): Choice | null => {
    let best: Choice | null = null;
    kinds.forEach((kind, order) => {
      for (const [domain, list] of lists[kind]) {
        if (!allowed(a, domain)) continue;
        while (list.pos < list.keys.length && owner.has(list.keys[list.pos]!)) list.pos++;
        const key = list.keys[list.pos];
        if (key === undefined) continue;
        const option = choice(a, candidates.get(key)!, domain, order);
        if (better(option, best)) best = option;
      }
    });
    for (const key of a.unlocked) {
      const c = candidates.get(key)!;
      const order = kinds.indexOf(c.kind);
      if (order === -1 || owner.has(key)) continue;
      best = bestOf(a, c, order, best);
    }
    return best;
  };

  const place = (a: AgentState, pick: Choice, shared: boolean) => {
    const c = candidates.get(pick.key)!;
    const planned: PlannedSpec = { spec: c.spec, kind: c.kind, shared };
    (c.kind === "fix" ? a.fixes : a.news).push(planned);
    a.holds.add(pick.key);
    if (c.kind === "fix") a.fixKeys.add(pick.key);
    if (pick.domain !== NO_DOMAIN) a.batchDomains.add(pick.domain);
    a.unlocked.delete(pick.key);
    if (!shared) owner.set(pick.key, a);
    const copies = plannedCopies.get(pick.key);
    if (copies) copies.push(planned);
    else plannedCopies.set(pick.key, [planned]);
    for (const dependent of registry.graph.dependents.get(pick.key) ?? []) {
      const d = candidates.get(dependent);
      if (d?.waiting.length && !owner.has(dependent) && !a.holds.has(dependent) && followsInto(a, d))
        a.unlocked.add(dependent);
    }
  };

  const fill = (limit: number) => {
    const cap = (a: AgentState) => Math.min(limit, a.capacity);
    let turn = agents.filter((a) => sizeOf(a) < cap(a));
    while (turn.length) {
      const next: AgentState[] = [];
      for (const a of turn) {
        let pick: Choice | null = null;
        for (const kinds of kindGroups(a)) {
          pick = pickPrimary(a, kinds);
          if (pick) break;
        }
        if (!pick) continue;
        place(a, pick, false);
        if (sizeOf(a) < cap(a)) next.push(a);
      }
      turn = next;
    }
  };

  const pickShared = (a: AgentState, placed: readonly Candidate[]): Choice | null => {
    for (const kinds of kindGroups(a)) {
      let pick: Choice | null = null;
      for (const c of placed) {
        const order = kinds.indexOf(c.kind);
        const from = owner.get(c.spec.key)!;
        if (order === -1 || from === a || a.holds.has(c.spec.key)) continue;
        if (from.shared.size >= options.overlap && !from.shared.has(c.spec.key)) continue;
        if (!followsInto(a, c)) continue;
        pick = bestOf(a, c, order, pick);
      }
      if (pick) return pick;
    }
    return null;
  };

  /** Agents take turns copying a SPEC from another batch, while both batches stay within the overlap. */
  const share = () => {
    const placed = [...candidates.values()].filter((c) => owner.has(c.spec.key));
    const open = (a: AgentState) =>
      a.shared.size < options.overlap && sizeOf(a) < Math.min(options.size.max, a.capacity);
    let turn = agents.filter(open);
    while (turn.length) {
      const next: AgentState[] = [];
      for (const a of turn) {
        if (!open(a)) continue;
        const pick = pickShared(a, placed);
        if (!pick) continue;
        place(a, pick, true);
        a.shared.add(pick.key);
        owner.get(pick.key)!.shared.add(pick.key);
        for (const copy of plannedCopies.get(pick.key)!) copy.shared = true;
        next.push(a);
      }
      turn = next;
    }
  };

  if (options.overlap > 0) {
    fill(Math.max(0, options.size.max - options.overlap));
    share();
  }
  fill(options.size.max);

  // 4. Account for every candidate left out.
  const servedDomains = claimed;
  const generalist = agents.some((a) => !a.specialist);
  const served = (c: Candidate) =>
    agents.length > 0 && (generalist || c.domains.some((d) => d === NO_DOMAIN || servedDomains.has(d)));
  const waitingOn = (entry: PoolEntry): WaitingOn[] =>
    entry.waitingOn.map((ref, i) => ({
      ref,
      plannedFor: owner.get(entry.waiting[i]!)?.login ?? null,
      inBatch: held.get(entry.waiting[i]!)?.number ?? null,
    }));
  for (const entry of pool.values()) {
    const key = entry.spec.key;
    const problem = problemBlocked.get(key);
    if (problem) {
      problem.waitingOn = waitingOn(entry);
      continue;
    }
    if (owner.has(key)) continue;
    const c = candidates.get(key);
    if (!c) {
      leftovers.push({ spec: entry.spec, reason: "blocked", waitingOn: waitingOn(entry) });
      continue;
    }
    if (!served(c)) {
      leftovers.push({ spec: c.spec, reason: "no-agent" });
      continue;
    }
    if (c.waiting.length) {
      const holders = new Set(c.waiting.map((w) => owner.get(w)));
      const [holder] = holders;
      const followable =
        holders.size === 1 && holder && followsInto(holder, c) && c.domains.some((d) => allowed(holder, d));
      if (!followable) {
        leftovers.push({ spec: c.spec, reason: "blocked", waitingOn: waitingOn(entry) });
        continue;
      }
    }
    leftovers.push({ spec: c.spec, reason: "no-capacity" });
  }
  leftovers.sort((a, b) => a.spec.number - b.spec.number);

  const batches = agents
    .filter((a) => sizeOf(a) > 0)
    .map((a) => ({ agent: a.login, specs: [...a.fixes, ...a.news] }));
  return { batches, leftovers };
}

interface PoolEntry {
  spec: Spec;
  /** Lower-cased, without duplicates. */
  domains: string[];
  /** Keys of the dependencies that are not completed, aligned with `waitingOn`. */
  waiting: string[];
  waitingOn: IssueRef[];
}

interface Dependencies {
  waiting: string[];
  waitingOn: IssueRef[];
  problems: DependencyProblem[];
}

function lowerDomains(spec: Spec): string[] {
  const out: string[] = [];
  for (const d of spec.domains) {
    const lower = d.toLowerCase();
    if (!out.includes(lower)) out.push(lower);
  }
  return out;
}

/**
 * The common case without building readiness: every dependency is a SPEC of the registry, open or completed, and
 * the SPEC is on no cycle. Null sends the SPEC through `assessReadiness`, which explains what is wrong.
 */
function openDependencies(spec: Spec, registry: Registry): Dependencies | null {
  if (registry.graph.components.has(spec.key)) return null;
  const keys = registry.graph.dependencies.get(spec.key) ?? [];
  const waiting: string[] = [];
  const waitingOn: IssueRef[] = [];
  for (let i = 0; i < keys.length; i++) {
    const dep = registry.specs.get(keys[i]!);
    if (!dep) return null;
    if (dep.state === "OPEN") {
      waiting.push(keys[i]!);
      waitingOn.push(spec.dependencies[i]!);
    } else if (dependencyStatus(dep).kind !== "completed") return null;
  }
  return { waiting, waitingOn, problems: [] };
}

function readinessEntry(spec: Spec, status: StatusLookup, registry: Registry): Dependencies {
  const readiness = assessReadiness(spec, status, registry.graph);
  return {
    waiting: readiness.waitingOn.map(refKey),
    waitingOn: readiness.waitingOn,
    problems: readiness.problems,
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
