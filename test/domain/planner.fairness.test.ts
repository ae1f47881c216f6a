import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/domain/config.js";
import {
  type Plan,
  type PlanAgent,
  type PlanOptions,
  planBatches,
  planOptions,
} from "../../src/domain/planner.js";
import { lookupFor, registryOf, type SpecShape } from "../helpers/specs.js";

const defaults = planOptions(defaultConfig().batch);

function plan(specs: SpecShape[], agents: PlanAgent[], options: PlanOptions = defaults): Plan {
  const registry = registryOf(specs);
  return planBatches({ registry, status: lookupFor(registry), active: [], agents, options });
}

const shape = (p: Plan, agent: string) => {
  const specs = p.batches.find((b) => b.agent === agent)?.specs ?? [];
  return { size: specs.length, fixes: specs.filter((s) => s.kind === "fix").length };
};
const range = (from: number, to: number, s: Omit<SpecShape, "n">) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i, ...s }));

describe("a generalist beside specialists (issue 17, problem 1)", () => {
  const specs = [
    ...range(1, 4, { domain: "algorithm", partial: true, priority: "critical" }),
    ...range(5, 9, { domain: "integration", partial: true, priority: "low" }),
    ...range(10, 17, { domain: "algorithm" }),
    ...range(18, 25, { domain: "integration" }),
  ];
  const agents = [
    { login: "algo", domains: ["algorithm"] },
    { login: "inty", domains: ["integration"] },
    { login: "gen", domains: [] },
  ];

  it.each([
    { agent: "algo", fixes: 3 },
    { agent: "inty", fixes: 3 },
    { agent: "gen", fixes: 3 },
  ])("$agent gets 3 priority fixes and at least 8 SPECs", ({ agent, fixes }) => {
    const got = shape(plan(specs, agents), agent);
    expect(got.fixes).toBe(fixes);
    expect(got.size).toBeGreaterThanOrEqual(8);
  });

  it("serves the specialists first: each keeps its own domain's critical fixes, the generalist takes the rest", () => {
    const p = plan(specs, agents);
    const domainsOf = (agent: string) =>
      new Set(p.batches.find((b) => b.agent === agent)!.specs.flatMap((s) => s.spec.domains));
    expect(domainsOf("algo")).toEqual(new Set(["algorithm"]));
    expect(domainsOf("inty")).toEqual(new Set(["integration"]));
    expect(p.batches.flatMap((b) => b.specs).length).toBe(25);
  });

  it("leaves a generalist only what specialists can't use when the pool is plentiful", () => {
    const plenty = [
      ...range(1, 4, { domain: "algorithm", partial: true }),
      ...range(5, 20, { domain: "algorithm" }),
      ...range(21, 24, { partial: true }),
      ...range(25, 34, {}),
    ];
    const p = plan(plenty, [
      { login: "algo", domains: ["algorithm"] },
      { login: "gen", domains: [] },
    ]);
    expect(shape(p, "algo")).toEqual({ size: 10, fixes: 4 });
    expect(p.batches.find((b) => b.agent === "gen")!.specs.every((s) => s.spec.domains.length === 0)).toBe(
      true,
    );
  });
});

// --- The oracle: an assignment meeting every batch's minimums exists iff a bipartite matching fills every slot. ---

interface OracleSpec {
  partial: boolean;
  domains: string[];
}

/**
 * Written apart from the planner: each agent has `fixes.min` slots for a partial SPEC and `size.min - fixes.min`
 * slots for any SPEC it may take; an assignment meeting every minimum exists iff a matching fills every slot
 * (Kuhn's augmenting paths). Extra SPECs never hurt below `size.max`, so only the minimums matter.
 */
function feasible(specs: OracleSpec[], agents: PlanAgent[], options: PlanOptions): boolean {
  const { fixes, size } = options;
  if (fixes.min > size.max) return agents.length === 0;
  const slots: Array<{ agent: PlanAgent; fixOnly: boolean }> = [];
  for (const agent of agents) {
    for (let i = 0; i < fixes.min; i++) slots.push({ agent, fixOnly: true });
    for (let i = fixes.min; i < size.min; i++) slots.push({ agent, fixOnly: false });
  }
  const takes = (agent: PlanAgent, spec: OracleSpec) =>
    agent.domains.length === 0 ||
    spec.domains.length === 0 ||
    spec.domains.some((d) => agent.domains.map((x) => x.toLowerCase()).includes(d.toLowerCase()));
  const matchOf = new Array<number>(specs.length).fill(-1);
  const augment = (slot: number, seen: boolean[]): boolean => {
    for (let s = 0; s < specs.length; s++) {
      const { agent, fixOnly } = slots[slot]!;
      if (seen[s] || (fixOnly && !specs[s]!.partial) || !takes(agent, specs[s]!)) continue;
      seen[s] = true;
      if (matchOf[s] === -1 || augment(matchOf[s]!, seen)) {
        matchOf[s] = slot;
        return true;
      }
    }
    return false;
  };
  return slots.every((_, slot) => augment(slot, new Array(specs.length).fill(false)));
}

const DOMAINS = ["db", "api", "ui"];
const specArb = fc.record({
  partial: fc.boolean(),
  domains: fc.subarray(DOMAINS, { maxLength: 2 }),
  priority: fc.constantFrom("critical", "high", "medium", "low", undefined),
});
const agentsArb = fc
  .array(fc.subarray(DOMAINS, { maxLength: 2 }), { minLength: 1, maxLength: 5 })
  .map((sets) => sets.map((domains, i) => ({ login: `agent${i}`, domains })));
const optionsArb = fc
  .record({
    sizeMin: fc.integer({ min: 1, max: 6 }),
    sizeExtra: fc.integer({ min: 0, max: 3 }),
    fixMin: fc.integer({ min: 0, max: 3 }),
    fixExtra: fc.integer({ min: 0, max: 2 }),
    newMin: fc.integer({ min: 0, max: 4 }),
    newExtra: fc.integer({ min: 0, max: 2 }),
  })
  .map(
    (o): PlanOptions => ({
      size: { min: o.sizeMin, max: o.sizeMin + o.sizeExtra },
      fixes: { min: o.fixMin, max: o.fixMin + o.fixExtra },
      newWork: { min: o.newMin, max: o.newMin + o.newExtra },
      overlap: 0,
      domain: null,
    }),
  );

describe("planner fairness (property, against a matching oracle)", () => {
  it("whenever some assignment gives every batch its minimum fixes and size, the plan does too", () => {
    let feasibleRuns = 0;
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 30 }), agentsArb, optionsArb, (pool, agents, options) => {
        const specs: SpecShape[] = pool.map((s, i) => ({
          n: i + 1,
          partial: s.partial,
          domain: s.domains,
          ...(s.priority ? { priority: s.priority } : {}),
        }));
        if (!feasible(pool, agents, options)) return;
        feasibleRuns++;
        const p = plan(specs, agents, options);
        for (const agent of agents) {
          const got = shape(p, agent.login);
          expect(got.fixes, `${agent.login} fixes`).toBeGreaterThanOrEqual(options.fixes.min);
          expect(got.size, `${agent.login} size`).toBeGreaterThanOrEqual(options.size.min);
          expect(got.size).toBeLessThanOrEqual(options.size.max);
        }
      }),
      { numRuns: Number(process.env.FAIRNESS_RUNS ?? 1500) },
    );
    // The property must not hold vacuously.
    expect(feasibleRuns).toBeGreaterThan(200);
  });

  it("the oracle itself: three agents needing 3 fixes each can't share 8", () => {
    const specs = Array.from({ length: 30 }, (_, i) => ({ partial: i < 8, domains: [] }));
    const agents = ["a", "b", "c"].map((login) => ({ login, domains: [] }));
    expect(feasible(specs, agents, defaults)).toBe(false);
    expect(feasible([...specs, { partial: true, domains: [] }], agents, defaults)).toBe(true);
  });
});
