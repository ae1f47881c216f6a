import { describe, expect, it } from "vitest";
import { BATCHES_QUERY } from "../../src/github/batch-reader.js";
import { createLabelMutation, labelMutations, stickyMutation } from "../../src/github/issue-writer.js";
import { type Mutation, mutationDocument } from "../../src/github/mutations.js";
import { OPEN_PULL_REQUESTS_DOCUMENT } from "../../src/github/open-pull-requests-reader.js";
import { lookupDocument, registryDocument } from "../../src/github/registry-reader.js";
import { RECENT_COMMENTS_QUERY } from "../../src/github/replies.js";
import { stickyDocument } from "../../src/github/sticky-reader.js";
import { validateDocument } from "../helpers/schema.js";

/**
 * Every GraphQL document batchbot can send, at the sizes it sends them, validated against @octokit/graphql-schema
 * (plus test/schema/github-extensions.graphql for the sub-issue and dependency fields the package lacks).
 * App tests validate what they send as well: the fake GitHub rejects an invalid document and fails the test.
 */
const mutations: Mutation[] = [
  createLabelMutation("R_1", "ready", "ready"),
  ...labelMutations(
    "I_1",
    { add: ["ready"], remove: ["blocked"] },
    new Map([
      ["ready", "L1"],
      ["blocked", "L2"],
    ]),
    "#1",
  ),
  stickyMutation("I_1", null, "body", "#1")!,
  stickyMutation("I_1", { id: "IC_1", body: "old" }, "new", "#1")!,
  stickyMutation("I_1", { id: "IC_1", body: "old" }, null, "#1")!,
];

const documents: Array<[string, string]> = [
  ["registry page, no labels", registryDocument(0)],
  ["registry page, 2 labels", registryDocument(2)],
  ["lookup of 1 issue", lookupDocument(1)],
  ["lookup of 100 issues", lookupDocument(100)],
  ["sticky comments of 1 issue", stickyDocument(1)],
  ["sticky comments of 50 issues", stickyDocument(50)],
  ["recent comments", RECENT_COMMENTS_QUERY],
  ["batch issues", BATCHES_QUERY],
  ["open pull requests", OPEN_PULL_REQUESTS_DOCUMENT],
  ["every mutation in one request", mutationDocument(mutations)],
  ...mutations.map((m): [string, string] => [`mutation ${m.field}`, mutationDocument([m])]),
];

describe("GraphQL documents", () => {
  it.each(documents)("%s is valid against GitHub's schema", (_name, document) => {
    expect(validateDocument(document)).toEqual([]);
  });

  it("rejects an invalid document (the check can fail)", () => {
    expect(validateDocument('query { repository(owner: "a", name: "b") { nope } }')).not.toEqual([]);
  });
});
