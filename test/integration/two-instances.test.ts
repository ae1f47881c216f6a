import nock from "nock";
import { afterAll, describe, expect, it } from "vitest";
import { formatLoadReport, type LoadContext, runLoad } from "../../bench/load.js";
import { claimApp, noLock } from "./fixtures/claim-app.js";
import { redisLocks } from "./fixtures/redis-locks.js";

afterAll(() => nock.disableNetConnect());

const CLAIMS = 30;

/** Fires `CLAIMS` concurrent claims, split across the instances, and returns the claim comments per SPEC. */
async function claimRace({ apps, fake, harness }: LoadContext): Promise<Map<number, number>> {
  fake.label(fake.repo("acme/specs"), "claimed");
  const responses = await Promise.all(
    Array.from({ length: CLAIMS }, (_, i) =>
      apps[i % apps.length]!.deliver(
        "issue_comment",
        harness.commentEvent("acme/specs", 41 + (i % 20), "lead", `!claim agent-${i}`),
        `claim-${i}`,
      ),
    ),
  );
  // Claims wait for each other; some outlast Probot's 9 s answer (202) and go on: wait for all of them.
  expect(responses.every((r) => r.status === 200 || r.status === 202)).toBe(true);
  const claims = () => {
    const perSpec = new Map<number, number>();
    for (const issue of fake.repo("acme/specs").issues.values()) {
      const count = issue.comments.filter((c) => c.body.startsWith("claimed by")).length;
      if (count) perSpec.set(issue.number, count);
    }
    return perSpec;
  };
  const total = () => [...claims().values()].reduce((a, b) => a + b, 0);
  for (const until = Date.now() + 60_000; total() < CLAIMS && Date.now() < until; )
    await new Promise((resolve) => setTimeout(resolve, 200));
  return claims();
}

describe("two app instances sharing Redis", () => {
  it("never let two planning commands claim the same SPEC, while serving other deliveries", async () => {
    let claims = new Map<number, number>();
    const report = await runLoad({
      deliveries: 300,
      concurrency: 20,
      instances: 2,
      lock: redisLocks(),
      apps: ({ lock }) => [claimApp(lock!)],
      scenario: async (context) => {
        claims = await claimRace(context);
      },
    });
    console.log(`two instances + Redis lock:\n${formatLoadReport(report)}`);
    expect(report.errors).toBe(0);
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
    expect([...claims.values()].reduce((a, b) => a + b, 0)).toBe(CLAIMS);
  });

  it("(control) without the lock, the same race does claim SPECs twice: the test can see a race", async () => {
    let claims = new Map<number, number>();
    await runLoad({
      deliveries: 0,
      concurrency: 1,
      instances: 2,
      apps: () => [claimApp(noLock)],
      scenario: async (context) => {
        claims = await claimRace(context);
      },
    });
    expect([...claims.values()].some((n) => n > 1)).toBe(true);
  });
});
