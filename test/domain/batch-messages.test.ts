import { describe, expect, it } from "vitest";
import type { BatchMeta } from "../../src/domain/batch.js";
import {
  type CountableComment,
  countSpecComment,
  countsAsMessage,
  uncountSpecComment,
  withBatchComments,
  withSpecComments,
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

describe("the SPEC messages are derived from the SPECs' comments (the sweep's read)", () => {
  const since = "2026-11-25T10:00:00Z";
  const at = (c: CountableComment, createdAt: string): CountableComment => ({ ...c, createdAt });
  const two: BatchMeta = { ...meta, specs: [1, 2] };
  const specRule = { botLogin: "batchbot", bots: ["ci[bot]"], since };

  it("counts the agent's and maintainers' comments on the SPECs in the task list since the batch issue exists", () => {
    const comments = new Map([
      [
        1,
        [
          at(comment(11, "alice"), "2026-11-25T10:05:00Z"),
          at(comment(12, "lead", "OWNER"), "2026-11-25T09:59:59Z"), // before the batch: not a message of it
          at(comment(13, "batchbot[bot]", "NONE", "Bot"), "2026-11-25T10:06:00Z"),
        ],
      ],
      [2, [at(comment(21, "someone", "CONTRIBUTOR"), "2026-11-25T10:07:00Z"), at(comment(22, null), since)]],
      [3, [at(comment(31, "alice"), "2026-11-25T10:08:00Z")]], // a released SPEC: no longer the batch's
    ]);
    const base = withBatchComments(two, [comment(5, "alice")], rule);
    const derived = withSpecComments(base, comments, specRule);
    expect(derived.messages).toEqual({ counted: [5, 11], onSpecs: [11], total: 0 });
    // The same comments again change nothing (the sweep writes nothing).
    expect(withSpecComments(derived, comments, specRule)).toEqual(derived);
  });

  it("repairs a lost created and a lost deleted delivery, in the order events count them", () => {
    const comments = new Map([
      [1, [at(comment(40, "alice"), "2026-11-25T11:00:00Z")]],
      [2, [at(comment(30, "lead", "MEMBER"), "2026-11-25T11:00:00Z")]],
    ]);
    // #40's delivery was lost; #99 was deleted with its delivery lost.
    const counted = countSpecComment(countSpecComment(two, 99), 30);
    const derived = withSpecComments(counted, comments, specRule);
    expect(derived.messages).toEqual({ counted: [30, 40], onSpecs: [30, 40], total: 0 });
    // Had the events all arrived, they'd have counted the same.
    expect(countSpecComment(countSpecComment(two, 40), 30).messages).toEqual(derived.messages);
    // The last counted comment deleted: no SPEC messages left.
    expect(
      withSpecComments(
        derived,
        new Map([
          [1, []],
          [2, []],
        ]),
        specRule,
      ).messages,
    ).toEqual({
      counted: [],
      total: 0,
    });
  });

  it("leaves the count alone when some SPEC's comments were not read in full", () => {
    const counted = countSpecComment(two, 7);
    expect(withSpecComments(counted, new Map([[1, []]]), specRule)).toBe(counted);
  });
});
