import { describe, expect, it } from "vitest";
import {
  type Discovery,
  decodeKnowledge,
  hasEntries,
  KNOWLEDGE_BODY_LIMIT,
  type KnowledgeMeta,
  mergeKnowledge,
  renderKnowledgeBody,
  renderSuccessPattern,
  specsNamedIn,
  successPattern,
} from "../../src/domain/knowledge.js";

const repo = { owner: "acme", repo: "specs" };
const text = { quote: (s: string) => s.replace(/@/g, "@\u2060"), name: (l: string) => `@\u2060${l}` };

function entry(
  id: number,
  agent: string,
  day: number,
  domains: string[] = [],
  extra: Partial<Discovery> = {},
): Discovery {
  return {
    id,
    agent,
    at: `2026-11-${String(day).padStart(2, "0")}T12:00:00Z`,
    batch: 40,
    specs: [],
    domains,
    text: `discovery ${id}`,
    ...extra,
  };
}
const registry = (...entries: Discovery[]): KnowledgeMeta => ({ v: 1, entries });

describe("specsNamedIn", () => {
  it("names this repository's issues in every reference form, once each", () => {
    expect(
      specsNamedIn(
        "The index in #12 serves #13 too, see acme/specs#12, https://github.com/acme/specs/issues/14 and other/repo#15",
        repo,
        ["github.com"],
      ),
    ).toEqual([12, 13, 14]);
  });
});

describe("registry body", () => {
  it("groups discoveries by domain, newest first, general knowledge last, and round-trips its entries", () => {
    const meta = registry(
      entry(1, "alice", 1, ["database"]),
      entry(2, "bob", 3, []),
      entry(3, "carol", 2, ["database"], { by: "maint", text: "ask @dave" }),
      entry(4, "bob", 4, ["api", "database"]),
    );
    const { body, archived } = renderKnowledgeBody(meta, text);
    expect(archived).toEqual([]);
    const list = body.slice(0, body.indexOf("<!--"));
    expect(list.match(/^## .*$/gm)).toEqual(["## api · database", "## database", "## General"]);
    expect(list.indexOf("discovery 3") < list.indexOf("discovery 1")).toBe(true);
    expect(list).toContain("- 2026-11-02 · @\u2060carol · via @\u2060maint · batch #40: ask @\u2060dave");
    expect(
      decodeKnowledge(body)
        .entries.map((e) => e.id)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
  });

  it("says so when empty, and decodes a body without metadata as empty", () => {
    expect(renderKnowledgeBody(registry(), text).body).toContain("_No discoveries yet._");
    expect(decodeKnowledge("# hand-written")).toEqual({ v: 1, entries: [] });
  });

  it("moves the oldest entries out when the body would exceed GitHub's limit", () => {
    const long = "x".repeat(1500);
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry(i + 1, "alice", (i % 28) + 1, [], {
        at: `2026-11-01T00:${String(i).padStart(2, "0")}:00Z`,
        text: long,
      }),
    );
    const { body, meta, archived } = renderKnowledgeBody(registry(...entries), text);
    expect(body.length).toBeLessThanOrEqual(KNOWLEDGE_BODY_LIMIT);
    expect(archived.length).toBeGreaterThan(0);
    expect(Math.min(...meta.entries.map((e) => e.id))).toBeGreaterThan(
      Math.max(...archived.map((e) => e.id)),
    );
    expect(meta.archivedThrough).toBe(archived[0]!.at);
    // A writer that still holds the archived entries doesn't bring them back.
    const merged = mergeKnowledge(registry(...entries), meta);
    expect(merged.entries).toHaveLength(meta.entries.length);
    expect(hasEntries(merged, [entries[0]!, entries[39]!])).toBe(true);
  });
});

describe("mergeKnowledge", () => {
  it("keeps every entry of both sides once, whatever the order", () => {
    const a = registry(entry(1, "alice", 1), entry(2, "bob", 2));
    const b = registry(entry(2, "bob", 2), entry(3, "carol", 3));
    const ab = mergeKnowledge(a, b);
    expect(ab.entries.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(mergeKnowledge(b, a)).toEqual(ab);
    expect(hasEntries(ab, [entry(3, "carol", 3)])).toBe(true);
    expect(hasEntries(a, [entry(3, "carol", 3)])).toBe(false);
  });
});

describe("SUCCESS PATTERN", () => {
  const entries = [
    entry(1, "alice", 1, ["ui"]),
    entry(2, "bob", 2, ["database"]),
    entry(3, "carol", 3, ["algorithm"]),
    entry(4, "bob", 4, ["ui", "database"]),
    entry(5, "alice", 5, []),
    entry(6, "dave", 6, ["database"]),
    entry(7, "erin", 7, ["database"]),
    entry(8, "Alice", 8, ["algorithm"]),
  ];

  it.each([
    {
      name: "the agent's own and its domains', newest first, at most five",
      agent: "alice",
      domains: ["database"],
      want: [8, 7, 6, 5, 4],
    },
    { name: "an agent without discoveries gets its domains'", agent: "zoe", domains: ["ui"], want: [4, 1] },
    { name: "domains match case-insensitively", agent: "zoe", domains: ["ALGORITHM"], want: [8, 3] },
    { name: "nothing for an unknown agent and domain", agent: "zoe", domains: ["mobile"], want: [] },
  ])("$name", ({ agent, domains, want }) => {
    expect(successPattern(entries, agent, domains).map((e) => e.id)).toEqual(want);
  });

  it("renders as quoted lines that link the registry", () => {
    const out = renderSuccessPattern(successPattern(entries, "zoe", ["ui"]), 77, text);
    expect(out.split("\n")).toEqual([
      "From the knowledge registry (#77):",
      "- 2026-11-04 · @\u2060bob · batch #40: discovery 4",
      "- 2026-11-01 · @\u2060alice · batch #40: discovery 1",
    ]);
    expect(renderSuccessPattern([], 77, text)).toBe("");
  });
});
