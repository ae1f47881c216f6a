import type { BatchIssue } from "./batch.js";
import type { BatchConfig } from "./config.js";
import { seatAgents } from "./planning/batches.js";
import { groupByDomainAndDependencies } from "./planning/candidates.js";
import { fillBatches, shareOverlap } from "./planning/fill.js";
import { batchesAndLeftovers } from "./planning/leftovers.js";
import { reachMinimums } from "./planning/minimums.js";
import { queryUnassigned } from "./planning/pool.js";
import type { DependencyProblem, StatusLookup } from "./readiness.js";
import type { IssueRef } from "./references.js";
import type { Registry } from "./registry.js";
import type { Spec } from "./spec.js";

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
  /** Counts the work of bringing batches to their minimums when given (tests assert it grows near-linearly). */
  work?: PlanWork;
}

/** The work of the last step (bringing short batches to their minimums), counted for tests and the bench. */
export interface PlanWork {
  /** Augmenting-path searches run. */
  searches: number;
  /** Batches (with a need) the searches visited. */
  nodes: number;
  /** Offers (a SPEC a batch could give) and search-index entries looked at. */
  offers: number;
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

/**
 * Plans one batch per agent from the registry, in the seed's Phase 2 steps. Pure and deterministic: the same input
 * gives the same plan.
 *
 * Agents pick in turns, one SPEC per turn, so a short pool shrinks every batch evenly. On its turn an agent takes
 * the kind its batch lacks (partial SPECs up to `fixes`, new ones up to `newWork`, either kind filling the rest up
 * to `size.max`) and the best SPEC by: its own domains first, then no new domain for the batch, then kind, then
 * priority, then most open dependents, then issue number. Specialists are served first: an agent without domains
 * takes from a specialist's domain only what the specialists leave. A SPEC whose open dependencies are all in one
 * agent's batch can only follow them there. With `overlap`, batches first fill to `size.max - overlap`, then copy
 * SPECs from each other, then top up. Last, batches below `priority-fixes.min` or `size.min` take SPECs from the
 * pool or from batches above their minimums, so whenever some assignment gives every batch its minimums (among
 * SPECs without open dependencies), the plan does too.
 */
export function planBatches(input: PlanInput): Plan {
  const pool = queryUnassigned(input);
  const groups = groupByDomainAndDependencies(pool, input.registry);
  const planning = seatAgents(input, groups);
  const { size, overlap } = input.options;
  if (overlap > 0) {
    fillBatches(planning, Math.max(0, size.max - overlap));
    shareOverlap(planning);
  }
  fillBatches(planning, size.max);
  reachMinimums(planning);
  fillBatches(planning, size.max);
  return batchesAndLeftovers(planning, pool);
}
