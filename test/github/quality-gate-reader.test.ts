import { afterEach, describe, expect, it } from "vitest";
import {
  pullRequestGateDocument,
  readSpecGates,
  specGateDocument,
} from "../../src/github/quality-gate-reader.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { REPO, repoRef, runtimeFor } from "../helpers/progress-fixtures.js";
import { validateDocument } from "../helpers/schema.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

describe("quality gate queries", () => {
  it.each([0, 1, 3])("are valid GitHub GraphQL with %i aliased SPECs", (count) => {
    expect(validateDocument(pullRequestGateDocument(count))).toEqual([]);
    expect(validateDocument(specGateDocument(Math.max(1, count)))).toEqual([]);
  });
});

describe("readSpecGates", () => {
  const labels = {
    inReview: "in-review",
    changesRequested: "changes-requested",
    validated: "validated",
    batch: "batch",
    dashboard: "batch-dashboard",
  };

  it("reads 20 SPECs per request, into one snapshot", async () => {
    h = createHarness();
    for (let i = 1; i <= 45; i++) h.fake.addIssue(REPO, { number: i, labels: ["spec"] });
    const rt = await runtimeFor(h);
    h.fake.reset();
    const numbers = Array.from({ length: 45 }, (_, i) => i + 1);
    const ctx = { octokit: rt.octokit, repo: repoRef, hosts: ["github.com"], botLogin: rt.botLogin, labels };
    const snapshot = await readSpecGates(ctx, numbers, null);
    expect(h.fake.unhandled).toEqual([]);
    expect(h.fake.requests).toHaveLength(3);
    expect(snapshot.requests).toBe(3);
    expect([...snapshot.specs.keys()].sort((a, b) => a - b)).toEqual(numbers);
  });

  it("makes no request for no SPEC", async () => {
    h = createHarness();
    const rt = await runtimeFor(h);
    h.fake.reset();
    const ctx = { octokit: rt.octokit, repo: repoRef, hosts: ["github.com"], botLogin: rt.botLogin, labels };
    const snapshot = await readSpecGates(ctx, [], null);
    expect(h.fake.requests).toHaveLength(0);
    expect(snapshot.requests).toBe(0);
    expect(snapshot.specs.size).toBe(0);
  });
});
