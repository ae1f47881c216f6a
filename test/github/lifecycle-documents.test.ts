import { describe, expect, it } from "vitest";
import { batchStatesDocument, specBatchDocument } from "../../src/github/batch-progress-reader.js";
import { closeIssueMutation, createIssueMutation, issueBodyMutation } from "../../src/github/issue-writer.js";
import { KNOWLEDGE_QUERY } from "../../src/github/knowledge-reader.js";
import { removeSubIssueMutation, unassignMutation } from "../../src/github/lifecycle-writer.js";
import { type Mutation, mutationDocument } from "../../src/github/mutations.js";
import { validateDocument } from "../helpers/schema.js";

/** The agent lifecycle's GraphQL documents, at the sizes it sends them, validated against GitHub's schema. */
const mutations: Mutation[] = [
  issueBodyMutation("I_1", "body", "#1"),
  closeIssueMutation("I_1", "COMPLETED", "#1"),
  unassignMutation("I_1", ["U_1"], "#1"),
  removeSubIssueMutation("I_1", "I_2", "#2"),
  createIssueMutation("R_1", "title", "body", ["LA_1"], "registry"),
];

const documents: Array<[string, string]> = [
  ["a batch and its SPECs", batchStatesDocument(1, 10, 1)],
  ["SPECs only, no labels", batchStatesDocument(0, 50, 0)],
  ["batches only", batchStatesDocument(3, 0, 2)],
  ["a SPEC with its batch", specBatchDocument(0)],
  ["a SPEC with its batch and label ids", specBatchDocument(2)],
  ["three SPECs with their batches", specBatchDocument(1, 3)],
  ["the knowledge registry", KNOWLEDGE_QUERY],
  ["every lifecycle mutation in one request", mutationDocument(mutations)],
];

describe("agent lifecycle GraphQL documents", () => {
  it.each(documents)("%s is valid against GitHub's schema", (_name, document) => {
    expect(validateDocument(document)).toEqual([]);
  });
});
