import { expect } from "vitest";
import type { FailureRule, FakeGitHub, LoggedRequest } from "./fake-github.js";

export interface Fault {
  /** Which requests count (e.g. `r.operation === "BatchbotWrites"`, or a createIssue mutation). */
  match: FailureRule["match"];
  /** How many matching requests succeed before the fault strikes ("3 of 6 batch issues opened"). */
  after: number;
  status?: number;
  /** How many matching requests fail once it strikes. */
  times?: number;
  /** GitHub applied the request but the answer was lost. */
  applied?: boolean;
  message?: string;
}

/** Lets the first `after` matching requests through, then fails the next `times`. Returns how many failed. */
export function failAfter(fake: FakeGitHub, fault: Fault): { failed: () => number } {
  let seen = 0;
  const times = fault.times ?? 1;
  const rule: FailureRule = {
    match: (req) => fault.match(req) && ++seen > fault.after,
    status: fault.status ?? 502,
    times,
    ...(fault.applied ? { applied: true } : {}),
    ...(fault.message ? { message: fault.message } : {}),
  };
  fake.failures.push(rule);
  return { failed: () => times - rule.times };
}

/**
 * A half-failed operation and its resumption: runs `run` with `fault` injected (it may throw), checks
 * `invariant`, runs it again on a healthy GitHub (a redelivery, or the same command given again) and checks
 * `invariant` once more. Returns the requests of each run, to assert that the second one only finished what
 * the first left undone. For planning: `run` delivers the `/batch assign` comment, `invariant` checks that no
 * SPEC is recorded as assigned without its batch issue listing it, nor listed in two batches beyond the overlap.
 */
export async function resumeAfterFault(
  fake: FakeGitHub,
  fault: Fault,
  run: () => Promise<unknown>,
  invariant: () => void = () => undefined,
): Promise<{ first: LoggedRequest[]; second: LoggedRequest[] }> {
  fake.reset();
  const injected = failAfter(fake, fault);
  await run().catch(() => undefined);
  expect(
    injected.failed(),
    "the fault never struck: the operation made fewer matching requests",
  ).toBeGreaterThan(0);
  invariant();
  const first = fake.requests;
  fake.reset();
  await run();
  invariant();
  return { first, second: fake.requests };
}
