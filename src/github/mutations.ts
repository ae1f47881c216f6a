import { chunk, type GitHub, graphqlPartial } from "./graphql.js";

/** One GraphQL mutation field, to be sent together with others under aliases. */
export interface Mutation {
  field: string;
  inputType: string;
  input: Record<string, unknown>;
  /** Selection on the payload; `clientMutationId` when the result isn't needed. */
  select?: string;
  /** What this write is, for logs and failure reports. */
  describe: string;
}

export interface MutationOutcome {
  results: unknown[];
  /** `passing`: the request failed on the way (5xx, timeout, network, rate limit), so the same write may succeed
   * later; otherwise GitHub refused the write itself (permission, validation). */
  failures: Array<{ mutation: Mutation; message: string; passing?: boolean }>;
  requests: number;
}

/** Whether a failed request may succeed when sent again: a server error, no answer, or a rate limit. */
function isPassing(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== "number") return true;
  return status >= 500 || status === 429 || (status === 403 && /rate limit/i.test((error as Error).message));
}

export const MUTATIONS_PER_REQUEST = 50;

export function mutationDocument(mutations: readonly Mutation[]): string {
  const variables = mutations.map((m, i) => `$i${i}: ${m.inputType}!`).join(", ");
  const fields = mutations.map(
    (m, i) => `  m${i}: ${m.field}(input: $i${i}) { ${m.select ?? "clientMutationId"} }`,
  );
  return `mutation BatchbotWrites(${variables}) {\n${fields.join("\n")}\n}`;
}

/** Sends mutations as aliased fields, at most 50 per request. A failed field doesn't stop the others. */
export async function runMutations(
  octokit: GitHub,
  mutations: readonly Mutation[],
): Promise<MutationOutcome> {
  const outcome: MutationOutcome = { results: [], failures: [], requests: 0 };
  for (const group of chunk(mutations, MUTATIONS_PER_REQUEST)) {
    const variables = Object.fromEntries(group.map((m, i) => [`i${i}`, m.input]));
    outcome.requests++;
    try {
      const { data, errors } = await graphqlPartial<Record<string, unknown>>(
        octokit,
        mutationDocument(group),
        variables,
      );
      group.forEach((mutation, i) => {
        const error = errors.find((e) => e.path?.[0] === `m${i}`);
        if (error) outcome.failures.push({ mutation, message: error.message, passing: false });
        outcome.results.push(data?.[`m${i}`] ?? null);
      });
    } catch (error) {
      for (const mutation of group) {
        outcome.failures.push({ mutation, message: (error as Error).message, passing: isPassing(error) });
        outcome.results.push(null);
      }
    }
  }
  return outcome;
}

/** The failures of a mutation run, each as "what it was: what GitHub said". */
export function describeFailures(outcome: MutationOutcome): string[] {
  return outcome.failures.map((f) => `${f.mutation.describe}: ${f.message}`);
}

/** Adds a mutation run's requests and failures to a handler's report. */
export function recordWrites(report: { writes: number; failures: string[] }, outcome: MutationOutcome): void {
  report.writes += outcome.requests;
  report.failures.push(...describeFailures(outcome));
}
