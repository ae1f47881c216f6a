import { describe, expect, it } from "vitest";
import { parseClosingReferences } from "../../src/domain/closing-references.js";
import { type CommitCheck, e2eStatusOf } from "../../src/domain/e2e-status.js";
import { refKey } from "../../src/domain/references.js";
import { stageCommandsOf } from "../../src/domain/stage-commands.js";

const HOME = { owner: "acme", repo: "specs" };

describe("parseClosingReferences", () => {
  it.each([
    { body: "Closes #12", refs: ["acme/specs#12"] },
    {
      body: "fixes acme/api#3 and resolves https://github.com/acme/specs/issues/4",
      refs: ["acme/api#3", "acme/specs#4"],
    },
    { body: "Resolved: #5\nFIXED #6, fixes #7", refs: ["acme/specs#5", "acme/specs#6", "acme/specs#7"] },
    { body: "Closes #1, #2", refs: ["acme/specs#1"] },
    { body: "close #8 close #8", refs: ["acme/specs#8"] },
    { body: "See #9; disclosed #10; prefix #11", refs: [] },
    { body: "```\nCloses #12\n```\n> Closes #13\n<!-- Closes #14 -->\n`Closes #15`", refs: [] },
    { body: "Closes #16abc", refs: [] },
    { body: "closes https://evil.example/acme/specs/issues/17", refs: [] },
  ])("$body", ({ body, refs }) => {
    expect(parseClosingReferences(body, HOME).map(refKey)).toEqual(refs);
  });

  it("accepts issue URLs of configured hosts", () => {
    expect(
      parseClosingReferences("Fixes https://ghe.acme.io/acme/specs/issues/3", HOME, ["ghe.acme.io"]).map(
        refKey,
      ),
    ).toEqual(["acme/specs#3"]);
  });
});

describe("stageCommandsOf", () => {
  const comment = (author: string | null, body: string, editor: string | null = null) => ({
    author,
    editor,
    body,
    createdAt: "2026-01-01T00:00:00Z",
  });
  const isSelf = (login: string) => login === "batchbot";

  it.each([
    { name: "approve", comments: [comment("alice", "/batch approve b1")], expect: ["alice:b1:approve:"] },
    {
      name: "reject with reason",
      comments: [comment("bob", "/batch reject B2 no tests")],
      expect: ["bob:b2:reject:no tests"],
    },
    { name: "reject without reason", comments: [comment("bob", "/batch reject b2")], expect: [] },
    { name: "unknown stage", comments: [comment("bob", "/batch approve b3")], expect: [] },
    { name: "quoted", comments: [comment("alice", "> /batch approve b1")], expect: [] },
    { name: "in code", comments: [comment("alice", "```\n/batch approve b1\n```")], expect: [] },
    { name: "mid-line", comments: [comment("alice", "please /batch approve b1")], expect: [] },
    { name: "by the app", comments: [comment("batchbot", "/batch approve b1")], expect: [] },
    { name: "ghost author", comments: [comment(null, "/batch approve b1")], expect: [] },
    {
      name: "edited by someone else",
      comments: [comment("alice", "/batch approve b1", "mallory")],
      expect: [],
    },
    {
      name: "edited by its author",
      comments: [comment("alice", "/batch approve b1", "Alice")],
      expect: ["alice:b1:approve:"],
    },
    {
      name: "other commands",
      comments: [comment("alice", "/batch help\n/batch approve b2")],
      expect: ["alice:b2:approve:"],
    },
  ])("$name", ({ comments, expect: wanted }) => {
    expect(
      stageCommandsOf(comments, isSelf).map((c) => `${c.author}:${c.stage}:${c.verdict}:${c.reason}`),
    ).toEqual(wanted);
  });
});

describe("e2eStatusOf", () => {
  const run = (
    name: string,
    status: string,
    conclusion: string | null,
    at: string | null = "2026-01-01T00:00:00Z",
  ): CommitCheck => ({
    kind: "check-run",
    name,
    status,
    conclusion,
    at,
  });
  const status = (name: string, state: string, at = "2026-01-01T00:00:00Z"): CommitCheck => ({
    kind: "status",
    name,
    state,
    at,
  });
  it.each([
    { name: "missing", checks: [run("lint", "COMPLETED", "SUCCESS")], expect: "missing" },
    { name: "passed run", checks: [run("E2E", "COMPLETED", "SUCCESS")], expect: "passed" },
    { name: "failed run", checks: [run("e2e", "COMPLETED", "FAILURE")], expect: "failed" },
    { name: "skipped run doesn't pass", checks: [run("e2e", "COMPLETED", "SKIPPED")], expect: "failed" },
    { name: "running", checks: [run("e2e", "IN_PROGRESS", null, null)], expect: "running" },
    { name: "passed status", checks: [status("e2e", "SUCCESS")], expect: "passed" },
    { name: "pending status", checks: [status("e2e", "PENDING")], expect: "running" },
    { name: "error status", checks: [status("e2e", "ERROR")], expect: "failed" },
    {
      name: "a re-run replaces the failure before it",
      checks: [
        run("e2e", "COMPLETED", "SUCCESS", "2026-01-02T00:00:00Z"),
        run("e2e", "COMPLETED", "FAILURE", "2026-01-01T00:00:00Z"),
      ],
      expect: "passed",
    },
  ])("$name", ({ checks, expect: wanted }) => {
    expect(e2eStatusOf(checks, "e2e")).toBe(wanted);
  });
});
