import type { ExclusiveOutcome } from "../../src/jobs/exclusive.js";

/** What a job run gave back; a job that did not run (lock held, ran recently) fails the test with the reason. */
export function ranJob<T>(outcome: ExclusiveOutcome<T>): T {
  if (!outcome.ran) throw new Error(`the job did not run: ${outcome.reason}`);
  return outcome.result;
}
