import { z } from "zod";

/**
 * The least of each event's payload that batchbot's handlers read before anything else: a signed body without it
 * is not an event GitHub sends (a test sender, a proxy that rewrote it) and is answered 400 instead of reaching a
 * handler that would fail on it. Other fields stay the handlers' to check. Events batchbot doesn't handle only
 * have to be JSON objects.
 */
const account = z.looseObject({ login: z.string() });
const repository = z.looseObject({ name: z.string(), owner: account });
const numbered = z.looseObject({ number: z.number() });
const withRepository = (shape: z.core.$ZodLooseShape) => z.looseObject({ repository, ...shape });

const EVENT_SHAPES: Record<string, z.ZodType> = {
  issues: withRepository({ action: z.string(), issue: numbered }),
  issue_comment: withRepository({
    action: z.string(),
    issue: numbered,
    comment: z.looseObject({ id: z.number() }),
  }),
  pull_request: withRepository({ action: z.string(), pull_request: numbered }),
  pull_request_review: withRepository({
    action: z.string(),
    pull_request: numbered,
    review: z.looseObject({ id: z.number() }),
  }),
  check_run: withRepository({ action: z.string(), check_run: z.looseObject({ id: z.number() }) }),
  status: withRepository({ sha: z.string(), context: z.string() }),
  push: withRepository({ ref: z.string() }),
  installation: z.looseObject({ action: z.string(), installation: z.looseObject({ id: z.number() }) }),
  installation_repositories: z.looseObject({
    action: z.string(),
    installation: z.looseObject({ id: z.number() }),
  }),
};

const anyObject = z.record(z.string(), z.unknown());

/** Why `body` (already known to be JSON) is not an `event` delivery, or null when it is one. */
export function eventShapeProblem(event: string, body: string): string | null {
  const payload: unknown = JSON.parse(body);
  const checked = (EVENT_SHAPES[event] ?? anyObject).safeParse(payload);
  if (checked.success) return null;
  const issue = checked.error.issues[0];
  return issue?.path.length ? `${issue.path.join(".")}: ${issue.message}` : (issue?.message ?? "invalid");
}
