import { describe, expect, it } from "vitest";
import type { BatchMeta } from "../../src/domain/batch.js";
import {
  type CountableComment,
  countSpecComment,
  countsAsMessage,
  uncountSpecComment,
  withBatchComments,
} from "../../src/domain/batch-messages.js";

const rule = { agent: "alice", botLogin: "batchbot", bots: ["ci[bot]"] };
const comment = (
  id: number,
  login: string | null,
  association = "NONE",
  type = "User",
): CountableComment => ({
  id,
  author: login === null ? null : { login, type },
  association,
});
const meta: BatchMeta = {
  v: 1,
  id: "1:alice",
  agent: "alice",
  sequence: 1,
  specs: [1],
  fixes: [],
  shared: [],
  sourceCommentId: 1,
  createdAt: "2026-11-25T09:00:00Z",
};

describe("which comments are messages of a batch", () => {
  it.each([
    ["the agent, whatever the association", comment(1, "Alice"), true],
    ["an owner", comment(1, "lead", "OWNER"), true],
    ["an organisation member", comment(1, "lead", "MEMBER"), true],
    ["a collaborator", comment(1, "lead", "COLLABORATOR"), true],
    ["a contributor", comment(1, "someone", "CONTRIBUTOR"), false],
    ["a stranger", comment(1, "someone", "NONE"), false],
    ["a deleted account", comment(1, null, "MEMBER"), false],
    ["batchbot itself", comment(1, "batchbot[bot]", "MEMBER", "Bot"), false],
    ["another app's bot", comment(1, "other[bot]", "MEMBER", "Bot"), false],
    ["a bot listed under bots:", comment(1, "ci[bot]", "MEMBER", "Bot"), true],
    ["a listed bot that is no maintainer", comment(1, "ci[bot]", "NONE", "Bot"), false],
  ])("%s: %s", (_who, c, counts) => {
    expect(countsAsMessage(c, rule)).toBe(counts);
  });
});

describe("the count is derived from the batch issue's comments", () => {
  it("recounts the batch issue's comments and keeps the SPECs' ones", () => {
    const counted = countSpecComment(meta, 900);
    const first = withBatchComments(counted, [comment(1, "alice"), comment(2, "x")], rule);
    expect(first.messages).toEqual({ counted: [1, 900], onSpecs: [900], total: 0 });
    // A comment whose delivery was lost, and one deleted meanwhile: the next write has both right.
    const next = withBatchComments(first, [comment(3, "lead", "OWNER")], rule);
    expect(next.messages).toEqual({ counted: [3, 900], onSpecs: [900], total: 0 });
    expect(withBatchComments(next, [comment(3, "lead", "OWNER")], rule)).toEqual(next);
  });

  it("counts a SPEC comment once and uncounts it", () => {
    const once = countSpecComment(meta, 7);
    expect(countSpecComment(once, 7)).toEqual(once);
    expect(uncountSpecComment(once, 7).messages).toEqual({ counted: [], total: 0 });
  });
});
