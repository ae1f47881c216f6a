import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BatchIssue } from "../../src/domain/batch.js";
import { defaultConfig } from "../../src/domain/config.js";
import {
  type Plan,
  type PlanAgent,
  type PlanOptions,
  planBatches,
  planOptions,
} from "../../src/domain/planner.js";
import { buildRegistry, type Registry } from "../../src/domain/registry.js";
import { issueOf, lookupFor, REPO, registryOf, type SpecShape } from "../helpers/specs.js";

const defaults = planOptions(defaultConfig().batch);

function plan(
  specs: SpecShape[],
  agents: Array<string | PlanAgent>,
  options: Partial<PlanOptions> = {},
  active: BatchIssue[] = [],
): Plan {
  const registry = registryOf(specs);
  return planBatches({
    registry,
    status: lookupFor(registry),
    active,
    agents: agents.map((a) => (typeof a === "string" ? { login: a, domains: [] } : a)),
    options: { ...defaults, ...options },
  });
}

const numbers = (p: Plan, agent: string) =>
  p.batches.find((b) => b.agent === agent)?.specs.map((s) => s.spec.number) ?? [];
const sizes = (p: Plan) => p.batches.map((b) => b.specs.length);
const reasons = (p: Plan) => Object.fromEntries(p.leftovers.map((l) => [l.spec.number, l.reason]));
const range = (from: number, to: number, shape: Omit<SpecShape, "n"> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i, ...shape }));

function batchIssue(
  number: number,
  agent: string,
  specs: number[],
  state: "OPEN" | "CLOSED" = "OPEN",
): BatchIssue {
  return {
    number,
    id: `I_${number}`,
    state,
    title: `Batch 1 for @${agent}`,
    body: "",
    meta: {
      v: 1,
      id: `1:${agent}`,
      agent,
      sequence: 1,
      specs,
      fixes: [],
      shared: [],
      sourceCommentId: 1,
      createdAt: "2026-01-01T00:00:00Z",
    },
  };
}

describe("batch shape", () => {
  const cases: Array<{
    name: string;
    specs: SpecShape[];
    agents: string[];
    options?: Partial<PlanOptions>;
    sizes: number[];
    fixes?: number[];
  }> = [
    {
      name: "a full pool gives every agent 4 priority fixes and 6 new SPECs",
      specs: [...range(1, 30, { partial: true }), ...range(31, 90)],
      agents: ["a", "b", "c", "d", "e", "f"],
      sizes: [10, 10, 10, 10, 10, 10],
      fixes: [4, 4, 4, 4, 4, 4],
    },
    {
      name: "when partial SPECs run short, new work fills the batch",
      specs: [...range(1, 2, { partial: true }), ...range(3, 40)],
      agents: ["a", "b", "c"],
      sizes: [10, 10, 10],
      fixes: [1, 1, 0],
    },
    {
      name: "when new SPECs run short, priority fixes fill the batch",
      specs: [...range(1, 30, { partial: true }), ...range(31, 33)],
      agents: ["a", "b", "c"],
      sizes: [10, 10, 10],
      fixes: [9, 9, 9],
    },
    {
      name: "a short pool shrinks every batch evenly",
      specs: range(1, 20),
      agents: ["a", "b", "c", "d", "e", "f"],
      sizes: [4, 4, 3, 3, 3, 3],
    },
    {
      name: "a pool between min and max spreads evenly",
      specs: range(1, 27),
      agents: ["a", "b", "c"],
      sizes: [9, 9, 9],
    },
    {
      name: "--size caps every batch",
      specs: range(1, 40),
      agents: ["a", "b"],
      options: { size: { min: 5, max: 5 } },
      sizes: [5, 5],
    },
  ];
  it.each(cases)("$name", ({ specs, agents, options, sizes: want, fixes }) => {
    const p = plan(specs, agents, options);
    expect(sizes(p)).toEqual(want);
    if (fixes) expect(p.batches.map((b) => b.specs.filter((s) => s.kind === "fix").length)).toEqual(fixes);
    for (const b of p.batches) {
      const kinds = b.specs.map((s) => s.kind);
      expect(kinds).toEqual([...kinds].sort((x, y) => (x === y ? 0 : x === "fix" ? -1 : 1)));
    }
  });

  it("leaves what doesn't fit as no capacity", () => {
    const p = plan(range(1, 25), ["a", "b"]);
    expect(sizes(p)).toEqual([10, 10]);
    expect(p.leftovers.map((l) => l.reason)).toEqual(Array(5).fill("no-capacity"));
  });
});

describe("order within a kind", () => {
  it("takes priority first, then SPECs that unblock most, then issue number", () => {
    const p = plan(
      [
        { n: 1 },
        { n: 2, priority: "low" },
        { n: 3, priority: "critical" },
        { n: 4 },
        { n: 5, priority: "high" },
        { n: 6, deps: [4] },
        { n: 7, deps: [4] },
      ],
      ["a"],
      { size: { min: 1, max: 6 } },
    );
    // Low priority still beats none; #4 unblocks two SPECs, so it comes before #1; #6 can then follow #4.
    expect(numbers(p, "a")).toEqual([3, 5, 2, 4, 1, 6]);
  });
});

describe("domain affinity", () => {
  it("gives specialists their domains and leaves the rest to agents without domains", () => {
    const p = plan(
      [...range(1, 4, { domain: "database" }), ...range(5, 8, { domain: "ui" }), ...range(9, 10)],
      [{ login: "db", domains: ["database"] }, "any"],
      { size: { min: 1, max: 6 } },
    );
    expect(numbers(p, "db")).toEqual([1, 2, 3, 4, 9]);
    expect(numbers(p, "any")).toEqual([5, 6, 7, 8, 10]);
  });

  it("draws a batch from as few domains as possible", () => {
    const specs = [
      { n: 1, domain: "api", priority: "critical" as const },
      { n: 2, domain: "ui", priority: "high" as const },
      ...range(3, 6, { domain: "api" }),
      ...range(7, 10, { domain: "ui" }),
    ];
    const p = plan(specs, ["a", "b"], { size: { min: 1, max: 5 } });
    expect(numbers(p, "a")).toEqual([1, 3, 4, 5, 6]);
    expect(numbers(p, "b")).toEqual([2, 7, 8, 9, 10]);
  });

  it("doesn't add a domain for an optional fourth fix when its own domain still has new work", () => {
    const p = plan(
      [
        ...range(1, 3, { domain: "db", partial: true }),
        { n: 4, domain: "ui", partial: true },
        ...range(5, 20, { domain: "db" }),
      ],
      [{ login: "a", domains: ["db", "ui"] }],
    );
    expect(numbers(p, "a")).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("reports SPECs of a domain nobody takes", () => {
    const p = plan(
      [{ n: 1, domain: "mobile" }, { n: 2, domain: "ui" }, { n: 3 }],
      [{ login: "u", domains: ["ui"] }],
    );
    expect(numbers(p, "u")).toEqual([2, 3]);
    expect(reasons(p)).toEqual({ 1: "no-agent" });
  });

  it("--domain plans only that domain", () => {
    const p = plan([{ n: 1, domain: "ui" }, { n: 2, domain: "api" }, { n: 3 }], ["a"], { domain: "UI" });
    expect(numbers(p, "a")).toEqual([1]);
    expect(reasons(p)).toEqual({ 2: "other-domain", 3: "other-domain" });
  });
});

describe("dependencies", () => {
  it("keeps a chain with one agent, in dependency order", () => {
    const p = plan(
      [{ n: 1, deps: [3] }, { n: 2, deps: [1] }, { n: 3 }, { n: 4 }, { n: 5 }, { n: 6 }],
      ["a", "b"],
      { size: { min: 1, max: 3 } },
    );
    expect(numbers(p, "a")).toEqual([3, 1, 2]);
    expect(numbers(p, "b")).toEqual([4, 5, 6]);
  });

  it("takes a SPEC whose dependencies are closed as completed", () => {
    const p = plan(
      [
        { n: 1, closed: true },
        { n: 2, deps: [1] },
      ],
      ["a"],
    );
    expect(numbers(p, "a")).toEqual([2]);
  });

  it("leaves a chain's tail when the batch is full, saying where its dependency went", () => {
    const p = plan([{ n: 1 }, { n: 2, deps: [1] }], ["a"], { size: { min: 1, max: 1 } });
    expect(numbers(p, "a")).toEqual([1]);
    expect(p.leftovers).toMatchObject([{ spec: { number: 2 }, reason: "no-capacity" }]);
  });

  it("doesn't let a SPEC follow a dependency into another specialist's batch", () => {
    const p = plan(
      [
        { n: 1, domain: "api" },
        { n: 2, domain: "ui", deps: [1] },
      ],
      [
        { login: "api", domains: ["api"] },
        { login: "ui", domains: ["ui"] },
      ],
    );
    expect(numbers(p, "api")).toEqual([1]);
    expect(p.leftovers).toMatchObject([
      { spec: { number: 2 }, reason: "blocked", waitingOn: [{ ref: { number: 1 }, plannedFor: "api" }] },
    ]);
  });

  it("lists a priority fix only after priority fixes it depends on", () => {
    const p = plan(
      [
        { n: 1 },
        { n: 2, partial: true, deps: [1] },
        { n: 3, partial: true },
        { n: 4, partial: true, deps: [3] },
      ],
      ["a"],
    );
    expect(numbers(p, "a")).toEqual([3, 4, 1]);
    expect(reasons(p)).toEqual({ 2: "blocked" });
  });

  it.each([
    {
      name: "a dependency in an open batch",
      specs: [{ n: 1 }, { n: 2, deps: [1] }],
      active: [batchIssue(90, "x", [1])],
      want: { spec: { number: 2 }, reason: "blocked", waitingOn: [{ inBatch: 90 }] },
    },
    {
      name: "a dependency closed as not planned",
      specs: [
        { n: 1, closed: "not-planned" as const },
        { n: 2, deps: [1] },
      ],
      active: [],
      want: { spec: { number: 2 }, reason: "blocked", problems: [{ kind: "not-planned" }] },
    },
    {
      name: "a dependency cycle",
      specs: [
        { n: 1, deps: [2] },
        { n: 2, deps: [1] },
      ],
      active: [],
      want: { spec: { number: 1 }, reason: "blocked", problems: [{ kind: "cycle" }] },
    },
    {
      name: "a dependency on another repository nobody can read",
      specs: [{ n: 1, body: "Depends on other/repo#5" }],
      active: [],
      want: { spec: { number: 1 }, reason: "blocked", problems: [{ kind: "unreadable" }] },
    },
  ])("reports $name as blocked", ({ specs, active, want }) => {
    const p = plan(specs, ["a"], {}, active);
    expect(p.leftovers.find((l) => l.spec.number === want.spec.number)).toMatchObject(want);
    expect(p.batches.flatMap((b) => b.specs.map((s) => s.spec.number))).not.toContain(want.spec.number);
  });
});

describe("taken SPECs", () => {
  it("skips SPECs in open batches and SPECs someone is assigned to", () => {
    const p = plan([{ n: 1 }, { n: 2, assignees: ["carol"] }, { n: 3 }, { n: 4 }], ["a"], {}, [
      batchIssue(90, "x", [1]),
      batchIssue(91, "y", [4], "CLOSED"),
    ]);
    expect(numbers(p, "a")).toEqual([3, 4]);
    expect(p.leftovers).toMatchObject([
      { spec: { number: 1 }, reason: "in-batch", batch: { number: 90, agent: "x" } },
      { spec: { number: 2 }, reason: "assigned" },
    ]);
  });
});

describe("capacity", () => {
  it("lets an agent with no room serve its domain without taking anything", () => {
    const p = plan(range(1, 3, { domain: "ui" }), [{ login: "u", domains: ["ui"], capacity: 0 }]);
    expect(p.batches).toEqual([]);
    expect(p.leftovers.map((l) => l.reason)).toEqual(["no-capacity", "no-capacity", "no-capacity"]);
  });

  it("caps an agent below the batch size", () => {
    const p = plan(range(1, 10), [{ login: "a", domains: [], capacity: 2 }, "b"]);
    expect(sizes(p)).toEqual([2, 8]);
  });
});

describe("overlap", () => {
  it("shares up to N SPECs of each batch with other batches, marked shared", () => {
    const p = plan(range(1, 12), ["a", "b"], { overlap: 2, size: { min: 8, max: 8 } });
    // Each batch keeps 6 of its own and copies 1 of the other's: 2 of its SPECs appear in the other batch.
    expect(sizes(p)).toEqual([7, 7]);
    for (const b of p.batches) expect(b.specs.filter((s) => s.shared)).toHaveLength(2);
    const all = p.batches.flatMap((b) => b.specs.map((s) => s.spec.number));
    expect(new Set(all).size).toBe(12);
    expect(p.leftovers).toEqual([]);
  });

  it("without overlap no SPEC is in two batches", () => {
    const p = plan(range(1, 12), ["a", "b"]);
    const all = p.batches.flatMap((b) => b.specs.map((s) => s.spec.number));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("determinism", () => {
  it("plans the same whatever order the registry was read in", () => {
    const specs: SpecShape[] = [
      ...range(1, 10, { domain: "api" }),
      ...range(11, 20, { domain: "ui", partial: true }),
      { n: 21, deps: [3, 12] },
      { n: 22, deps: [21], priority: "high" },
    ];
    const agents: PlanAgent[] = [
      { login: "a", domains: ["api"] },
      { login: "b", domains: [] },
    ];
    const forward = buildRegistry(REPO, specs.map(issueOf), defaultConfig());
    const backward = buildRegistry(REPO, [...specs].reverse().map(issueOf), defaultConfig());
    const run = (registry: Registry) =>
      summary(planBatches({ registry, status: lookupFor(registry), active: [], agents, options: defaults }));
    expect(run(backward)).toEqual(run(forward));
  });
});

function summary(p: Plan) {
  return {
    batches: p.batches.map((b) => ({
      agent: b.agent,
      specs: b.specs.map((s) => [s.spec.number, s.kind, s.shared]),
    })),
    leftovers: p.leftovers.map((l) => [l.spec.number, l.reason]),
  };
}

// ---- properties ---------------------------------------------------------------------------------------------

const DOMAINS = ["api", "ui", "db"];

const specsArb = fc
  .integer({ min: 1, max: 60 })
  .chain((count) =>
    fc.array(
      fc.record({
        domain: fc.constantFrom<string | undefined>(undefined, ...DOMAINS),
        partial: fc.boolean(),
        priority: fc.constantFrom<SpecShape["priority"]>(undefined, "critical", "high", "medium", "low"),
        deps: fc.array(fc.integer({ min: 1, max: count }), { maxLength: 3 }),
        closed: fc.constantFrom<SpecShape["closed"]>(false, false, false, true, "not-planned"),
      }),
      { minLength: count, maxLength: count },
    ),
  )
  .map((rows) =>
    rows.map((r, i): SpecShape => ({ n: i + 1, ...r, deps: r.deps.filter((d) => d !== i + 1) })),
  );

const agentsArb = fc.uniqueArray(
  fc.record({
    login: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"),
    domains: fc.subarray(DOMAINS, { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 8, selector: (a) => a.login },
);

const optionsArb = fc
  .record({
    max: fc.integer({ min: 1, max: 12 }),
    overlap: fc.integer({ min: 0, max: 3 }),
    fixMin: fc.integer({ min: 0, max: 4 }),
    newMin: fc.integer({ min: 0, max: 6 }),
  })
  .map(
    (o): PlanOptions => ({
      size: { min: Math.min(8, o.max), max: o.max },
      fixes: { min: o.fixMin, max: o.fixMin + 1 },
      newWork: { min: o.newMin, max: o.newMin + 1 },
      overlap: o.overlap,
      domain: null,
    }),
  );

describe("planner properties", () => {
  it("never puts a SPEC in two batches beyond the overlap, and marks exactly those shared", () => {
    fc.assert(
      fc.property(specsArb, agentsArb, optionsArb, (specs, agents, options) => {
        const p = plan(specs, agents, options);
        const holders = new Map<number, number>();
        for (const b of p.batches)
          for (const s of b.specs) holders.set(s.spec.number, (holders.get(s.spec.number) ?? 0) + 1);
        for (const b of p.batches) {
          const numbers = b.specs.map((s) => s.spec.number);
          expect(new Set(numbers).size).toBe(numbers.length);
          const elsewhere = b.specs.filter((s) => holders.get(s.spec.number)! > 1);
          expect(elsewhere.length).toBeLessThanOrEqual(options.overlap);
          expect(b.specs.filter((s) => s.shared).map((s) => s.spec.number)).toEqual(
            elsewhere.map((s) => s.spec.number),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never orders a SPEC before its dependency, nor plans it while a dependency is open elsewhere", () => {
    fc.assert(
      fc.property(specsArb, agentsArb, optionsArb, (specs, agents, options) => {
        const p = plan(specs, agents, options);
        const closed = new Set(specs.filter((s) => s.closed === true).map((s) => s.n));
        for (const b of p.batches) {
          const index = new Map(b.specs.map((s, i) => [s.spec.number, i]));
          b.specs.forEach((s, i) => {
            for (const dep of specs[s.spec.number - 1]!.deps ?? []) {
              if (closed.has(dep)) continue;
              expect(index.get(dep)).toBeDefined();
              expect(index.get(dep)!).toBeLessThan(i);
            }
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("accounts for every open SPEC exactly once, and keeps batches within size, fixes first", () => {
    fc.assert(
      fc.property(specsArb, agentsArb, optionsArb, (specs, agents, options) => {
        const p = plan(specs, agents, options);
        const planned = new Set(p.batches.flatMap((b) => b.specs.map((s) => s.spec.number)));
        const left = p.leftovers.map((l) => l.spec.number);
        expect(new Set(left).size).toBe(left.length);
        for (const n of left) expect(planned.has(n)).toBe(false);
        const open = specs.filter((s) => !s.closed).map((s) => s.n);
        expect([...planned, ...left].sort((a, b) => a - b)).toEqual(open);
        for (const b of p.batches) {
          expect(b.specs.length).toBeLessThanOrEqual(options.size.max);
          const firstNew = b.specs.findIndex((s) => s.kind === "new");
          if (firstNew >= 0) expect(b.specs.slice(firstNew).every((s) => s.kind === "new")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("fills every batch to at least min whenever the pool allows, else shrinks them evenly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 120 }),
        (pool, agentCount, partialCount) => {
          const specs = range(1, pool).map((s) => ({ ...s, partial: s.n <= partialCount }));
          const agents = Array.from({ length: agentCount }, (_, i) => `agent${i}`);
          const p = plan(specs, agents);
          const got = agents.map((a) => numbers(p, a).length);
          if (pool >= agentCount * defaults.size.min)
            for (const n of got) expect(n).toBeGreaterThanOrEqual(defaults.size.min);
          expect(Math.max(...got) - Math.min(...got)).toBeLessThanOrEqual(
            pool >= agentCount * defaults.size.max ? 0 : 1,
          );
          for (const n of got) expect(n).toBeLessThanOrEqual(defaults.size.max);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the same plan for the same input", () => {
    fc.assert(
      fc.property(specsArb, agentsArb, optionsArb, (specs, agents, options) => {
        const forward = buildRegistry(REPO, specs.map(issueOf), defaultConfig());
        const backward = buildRegistry(REPO, [...specs].reverse().map(issueOf), defaultConfig());
        const run = (registry: Registry) =>
          summary(planBatches({ registry, status: lookupFor(registry), active: [], agents, options }));
        expect(run(backward)).toEqual(run(forward));
      }),
      { numRuns: 150 },
    );
  });
});
