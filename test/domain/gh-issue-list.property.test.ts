import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIssueList, parseIssueListWithSchema } from "../../src/domain/gh-issue-list.js";

/** An issue as `gh` prints it, in every form the schema takes (absent fields, nulls, both label forms, any case). */
const names = (field: string) =>
  fc.array(fc.oneof(fc.string(), fc.record({ [field]: fc.string() })), { maxLength: 3 });
const nullable = <T>(value: fc.Arbitrary<T>) => fc.oneof(value, fc.constant(null));
const required = fc.record({
  number: fc.integer({ min: 1, max: 1e6 }),
  title: fc.string(),
  state: fc.constantFrom("OPEN", "CLOSED", "open", "closed", "Closed"),
});
const optional = fc.record(
  {
    id: fc.string(),
    createdAt: fc.oneof(fc.string(), fc.constant("2026-01-02T03:04:05Z")),
    updatedAt: fc.string(),
    closedAt: nullable(fc.oneof(fc.string(), fc.constant(""))),
    body: nullable(fc.string()),
    labels: names("name"),
    stateReason: nullable(fc.constantFrom("COMPLETED", "not planned", "reopened", "", "other")),
    assignees: names("login"),
    url: fc.string(),
  },
  { requiredKeys: [] },
);
const FIELDS = ["number", "title", "state", "id", "createdAt", "updatedAt", "closedAt", "body"] as const;
const MORE_FIELDS = ["labels", "stateReason", "assignees"] as const;
/** A valid issue, or one with a field replaced by any value (a number as a string, a null, a nested array...). */
const issueLike = fc
  .tuple(
    required,
    optional,
    fc.option(fc.tuple(fc.constantFrom(...FIELDS, ...MORE_FIELDS), fc.option(fc.anything())), { freq: 3 }),
  )
  .map(([req, opt, change]) => {
    const issue: Record<string, unknown> = { ...req, ...opt };
    if (change) {
      const [field, value] = change;
      if (value === null) delete issue[field];
      else issue[field] = value;
    }
    return issue;
  });

describe("reading a `gh issue list --json` export", () => {
  it("the quick reader and the schema agree on every input: the same issues, or the same problems", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 6, arbitrary: fc.array(issueLike, { maxLength: 4 }) },
          fc.anything(),
          fc.array(fc.anything()),
        ),
        (json) => {
          expect(parseIssueList(json)).toEqual(parseIssueListWithSchema(json));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes both label forms and absent lists, and names the first bad field as zod does", () => {
    const issues = [
      { number: 1, title: "a", state: "open", labels: [{ name: "spec" }, "domain:ui"] },
      { number: 2, title: "b", body: null, state: "CLOSED", stateReason: "not planned", closedAt: "" },
    ];
    const read = parseIssueList(issues);
    expect(read).toEqual(parseIssueListWithSchema(issues));
    expect(read.ok && read.issues.map((i) => [i.labels, i.state, i.stateReason, i.closedAt])).toEqual([
      [["spec", "domain:ui"], "OPEN", null, null],
      [[], "CLOSED", "NOT_PLANNED", null],
    ]);
    expect(parseIssueList([...issues, { number: 0, title: "c", state: "OPEN" }])).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^2\.number: /)],
    });
  });
});
