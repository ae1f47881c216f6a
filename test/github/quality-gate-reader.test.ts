import { describe, expect, it } from "vitest";
import { pullRequestGateDocument, specGateDocument } from "../../src/github/quality-gate-reader.js";
import { validateDocument } from "../helpers/schema.js";

describe("quality gate queries", () => {
  it.each([0, 1, 3])("are valid GitHub GraphQL with %i aliased SPECs", (count) => {
    expect(validateDocument(pullRequestGateDocument(count))).toEqual([]);
    expect(validateDocument(specGateDocument(Math.max(1, count)))).toEqual([]);
  });
});
