import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/domain/graph.js";

const graph = (edges: Record<string, string[]>, active = Object.keys(edges)) =>
  buildGraph(new Map(Object.entries(edges)), new Set(active));

describe("buildGraph", () => {
  it("indexes dependents in reverse", () => {
    const g = graph({ a: ["b", "c"], b: ["c"], c: [] });
    expect(g.dependents.get("c")).toEqual(["a", "b"]);
    expect(g.dependents.get("b")).toEqual(["a"]);
    expect(g.components.size).toBe(0);
  });

  it("reports a two-node cycle with its full path for each member", () => {
    const g = graph({ "#3": ["#7"], "#7": ["#3"] });
    expect(g.cycleThrough("#3")).toEqual(["#3", "#7", "#3"]);
    expect(g.cycleThrough("#7")).toEqual(["#7", "#3", "#7"]);
  });

  it("reports a self-dependency", () => {
    expect(graph({ a: ["a"] }).cycleThrough("a")).toEqual(["a", "a"]);
  });

  it("reports the shortest cycle through each member of a larger component", () => {
    const g = graph({ a: ["b"], b: ["c", "a"], c: ["a"] });
    expect(g.cycleThrough("a")).toEqual(["a", "b", "a"]);
    expect(g.cycleThrough("c")).toEqual(["c", "a", "b", "c"]);
    expect(g.components.get("a")?.slice().sort()).toEqual(["a", "b", "c"]);
  });

  it("does not count edges through inactive (closed) issues as cycles", () => {
    const g = graph({ a: ["b"], b: ["a"] }, ["a"]);
    expect(g.components.size).toBe(0);
  });

  it("does not flag nodes that merely lead into a cycle", () => {
    const g = graph({ x: ["a"], a: ["b"], b: ["a"] });
    expect(g.cycleThrough("x")).toBeNull();
  });

  it("handles a 20,000-long chain without recursion limits", () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`n${i}`] = i ? [`n${i - 1}`] : [];
    edges.n0 = ["n19999"];
    const g = graph(edges);
    expect(g.cycleThrough("n0")?.length).toBe(20_001);
  });
});
