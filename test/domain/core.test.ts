import { describe, expect, it } from "vitest";
import { type BatchMeta, decodeBatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import { parseCommands } from "../../src/domain/command-line.js";
import { decodeMetadata, encodeMetadata, hasMarker } from "../../src/domain/metadata.js";
import { parseSticky, STICKY_MARKER, withSection } from "../../src/domain/sticky.js";

describe("parseCommands", () => {
  it.each([
    ["/batch assign @a @b --size 8", [{ name: "assign", args: ["@a", "@b", "--size", "8"] }]],
    ["/BATCH Plan", [{ name: "plan", args: [] }]],
    ["/batch", [{ name: "help", args: [] }]],
    ["  /batch done", [{ name: "done", args: [] }]],
    ["text\n/batch blocked waiting for db\nmore", [{ name: "blocked", args: ["waiting", "for", "db"] }]],
    [
      "/batch done\n/batch next",
      [
        { name: "done", args: [] },
        { name: "next", args: [] },
      ],
    ],
    ["please run /batch assign", []],
    ["> /batch assign", []],
    ["```\n/batch assign\n```", []],
    ["~~~\n/batch assign\n~~~", []],
    ["<!-- /batch assign -->", []],
    ["`/batch assign`", []],
    ["/batchassign", []],
    ["\n    /batch assign", []],
  ])("%j", (body, expected) => {
    expect(parseCommands(body).map(({ name, args }) => ({ name, args }))).toEqual(expected);
  });

  it("keeps free text as typed and bounds it", () => {
    expect(parseCommands("/batch blocked  DB   schema #12 ")[0]!.rest).toBe("DB   schema #12");
    expect(parseCommands(`/batch discovery ${"x".repeat(5000)}`)[0]!.rest).toHaveLength(2000);
    expect(parseCommands(null)).toEqual([]);
  });
});

describe("metadata", () => {
  it("round-trips data that would end an HTML comment", () => {
    const data = { reason: "a --> b <!-- c", n: [1, 2] };
    const block = encodeMetadata("x", data);
    expect(block.slice(4, -4)).not.toContain("--");
    expect(decodeMetadata(`before\n${block}\nafter`, "x")).toEqual(data);
    expect(hasMarker(block, "x")).toBe(true);
  });

  it("returns null for missing or corrupt blocks", () => {
    expect(decodeMetadata("nothing", "x")).toBeNull();
    expect(decodeMetadata("<!-- batchbot:x {oops -->", "x")).toBeNull();
    expect(decodeMetadata(undefined, "x")).toBeNull();
  });

  it("decodes batch metadata and rejects what isn't", () => {
    const meta: BatchMeta = {
      v: 1,
      id: "9:alice",
      agent: "alice",
      sequence: 1,
      specs: [3, 4],
      fixes: [3],
      shared: [],
      sourceCommentId: 9,
      createdAt: "2026-11-25T00:00:00Z",
    };
    expect(decodeBatchMeta(`# Batch\n${encodeBatchMeta(meta)}`)).toEqual(meta);
    expect(decodeBatchMeta(encodeMetadata("batch", { v: 2, agent: "a", specs: [] }))).toBeNull();
    expect(decodeBatchMeta(encodeMetadata("batch", { v: 1, specs: [] }))).toBeNull();
  });
});

describe("sticky comment", () => {
  it("keeps sections owned by different features and drops the comment when all are empty", () => {
    const one = withSection(null, "dependencies", "### Dependencies\n- cycle");
    expect(one).toContain(STICKY_MARKER);
    const two = withSection(one, "gate", "### Quality gate\n- B1 waiting");
    expect(parseSticky(two)).toEqual({
      dependencies: "### Dependencies\n- cycle",
      gate: "### Quality gate\n- B1 waiting",
    });
    const three = withSection(two, "dependencies", null);
    expect(parseSticky(three)).toEqual({ gate: "### Quality gate\n- B1 waiting" });
    expect(withSection(three, "gate", "  ")).toBeNull();
  });

  it("is stable: rendering the same sections gives the same body", () => {
    const a = withSection(withSection(null, "b", "B"), "a", "A");
    const b = withSection(withSection(null, "a", "A"), "b", "B");
    expect(a).toBe(b);
    expect(parseSticky("no marker <!-- batchbot:section a -->\nA\n<!-- /batchbot:section -->")).toEqual({});
  });
});
