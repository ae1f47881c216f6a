import { describe, expect, it } from "vitest";
import { BENCH_DOMAINS as DOMAINS, syntheticAgents, workedOnIssues } from "../../bench/synthetic-specs.js";
import { defaultConfig } from "../../src/domain/config.js";
import { type PlanWork, planBatches, planOptions } from "../../src/domain/planner.js";
import { buildRegistry, statusLookup } from "../../src/domain/registry.js";

/**
 * The planner's last step (bringing short batches to their minimums) counted in work, not wall-clock: searches run,
 * batches visited, offers and index entries looked at. The pools are the bench's (`bench/planner.bench.ts`): 200
 * agents, 60% of the SPECs done, 3 dependencies per SPEC. Between 3,000 and 7,500 SPECs the pool is about as large as
 * the batches' minimums, so many batches are short and many searches run; below, no batch can be helped (the step
 * does nothing); above, every batch fills on its own.
 *
 * Before issue 17's fix each node of a search looked at every planned SPEC: per SPEC, about 140 offers at 3,000,
 * 560 at 5,000, 1,450 at 6,000 and 1,390 at 7,500 (seed 42; 3,650 at 6,000 with seed 7), against none at 1,000
 * and 10,000, and the bench's cost per SPEC at 5,000 was ×19 the 1,000-SPEC plan's. Now it is under 10 everywhere.
 */
const config = defaultConfig();

function workOf(specs: number, seed: number): PlanWork {
  const issues = workedOnIssues(specs, seed);
  const registry = buildRegistry({ owner: "bench", repo: "specs" }, issues, config);
  const work: PlanWork = { searches: 0, nodes: 0, offers: 0 };
  planBatches({
    registry,
    status: statusLookup(registry, new Map()),
    active: [],
    agents: syntheticAgents(200, DOMAINS),
    options: planOptions(config.batch),
    work,
  });
  return work;
}

const SIZES = [1_000, 3_000, 5_000, 6_000, 7_500, 10_000];

describe("the planner's work grows near-linearly with the pool (issue 17: no cliff at 5,000 SPECs)", () => {
  it.each([42, 7])(
    "looks at a bounded number of offers and batches per SPEC at every size (seed %i)",
    (seed) => {
      const perSpec = SIZES.map((n) => {
        const w = workOf(n, seed);
        return { n, searches: w.searches, work: (w.nodes + w.offers) / n };
      });
      // Not vacuous: in the middle sizes the step runs hundreds of searches.
      expect(perSpec.find((x) => x.n === 5_000)!.searches).toBeGreaterThan(100);
      expect(perSpec.find((x) => x.n === 6_000)!.searches).toBeGreaterThan(100);
      for (const x of perSpec) expect(x.work, `${x.n} SPECs: work per SPEC`).toBeLessThan(20);
    },
  );
});
