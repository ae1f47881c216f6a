import nock from "nock";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { formatLoadReport, type LoadContext, runLoad } from "../../bench/load.js";
import { syntheticIssues } from "../../bench/synthetic-specs.js";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { LocalLock } from "../../src/infra/lock.js";
import type { Harness } from "../helpers/harness.js";
import { redisLocks } from "./fixtures/redis-locks.js";

const PLAN = "acme/plan";
const AGENTS = ["a1", "a2", "a3", "a4", "a5", "a6"];

afterAll(() => nock.disableNetConnect());

/** A second repository with 60 independent SPECs, six agents and a maintainer who plans. */
function seedPlanning(h: Harness): void {
  const repo = h.fake.repo(PLAN);
  for (const spec of syntheticIssues({ specs: 60, edges: 0, domains: ["api", "ui"] }))
    h.fake.addIssue(PLAN, {
      number: spec.number,
      title: spec.title,
      body: spec.body,
      labels: spec.labels,
      state: spec.state,
    });
  repo.files.set(".github/batch.yml", stringify({ agents: AGENTS.map((login) => ({ login })) }));
  repo.collaborators.set("lead", "maintain");
  for (const agent of AGENTS) repo.collaborators.set(agent, "write");
  for (let i = 0; i < AGENTS.length; i++) h.fake.addIssue(PLAN, { number: 100 + i, title: `Planning ${i}` });
}

/**
 * Six `/batch assign @agent` commands at once, on six planning issues, alternating between the two instances;
 * returns the SPECs of every open batch issue once each command has answered.
 */
async function assignRace({ apps, fake, harness }: LoadContext): Promise<number[][]> {
  const responses = await Promise.all(
    AGENTS.map((agent, i) =>
      apps[i % apps.length]!.deliver(
        "issue_comment",
        harness.commentEvent(PLAN, 100 + i, "lead", `/batch assign @${agent}`),
        `assign-${i}`,
      ),
    ),
  );
  expect(responses.every((r) => r.status === 200 || r.status === 202)).toBe(true);
  const answered = () => AGENTS.filter((_, i) => fake.botComments(PLAN, 100 + i).length > 0).length;
  for (const until = Date.now() + 60_000; answered() < AGENTS.length && Date.now() < until; )
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(answered()).toBe(AGENTS.length);
  return [...fake.repo(PLAN).issues.values()]
    .filter((i) => i.state === "OPEN" && i.labels.includes("batch"))
    .map((i) => decodeBatchMeta(i.body)!.specs);
}

const doubles = (batches: number[][]) => {
  const all = batches.flat();
  return all.filter((n, i) => all.indexOf(n) !== i);
};

describe("/batch assign across two app instances sharing Redis", () => {
  it("never puts a SPEC in two batches when commands race across instances, under load", async () => {
    let batches: number[][] = [];
    const report = await runLoad({
      deliveries: 300,
      concurrency: 20,
      instances: 2,
      lock: redisLocks(),
      seed: seedPlanning,
      scenario: async (context) => {
        batches = await assignRace(context);
      },
    });
    console.log(`two instances, /batch assign race:\n${formatLoadReport(report)}`);
    expect(report.errors).toBe(0);
    expect(batches).toHaveLength(AGENTS.length);
    expect(doubles(batches)).toEqual([]);
  });

  it("(control) with an in-process lock per instance, as without REDIS_URL, the race can double-assign", async () => {
    const outcomes: number[] = [];
    for (let attempt = 0; attempt < 3 && !outcomes.some((n) => n > 0); attempt++)
      await runLoad({
        deliveries: 0,
        concurrency: 1,
        instances: 2,
        lock: () => new LocalLock(),
        seed: seedPlanning,
        scenario: async (context) => {
          outcomes.push(doubles(await assignRace(context)).length);
        },
      });
    expect(outcomes.some((n) => n > 0)).toBe(true);
  });
});
