import { describe, expect, it } from "vitest";
import { defaultConfig, formatConfigProblems, parseConfig } from "../../src/domain/config.js";

describe("configuration", () => {
  it("gives every key a default, so a repository without a file works", () => {
    const config = defaultConfig();
    expect(config.labels).toMatchObject({
      spec: "spec",
      partial: "partial",
      blocked: "blocked",
      ready: "ready",
      "domain-prefix": "domain:",
      "priority-prefix": "priority:",
    });
    expect(config.batch).toEqual({
      size: { min: 8, max: 10 },
      "priority-fixes": { min: 3, max: 4 },
      "new-work": { min: 5, max: 6 },
      overlap: 0,
      "pull-ahead": false,
      "auto-next": false,
      "max-driven-per-day": 10,
    });
    expect(config.validation).toBeNull();
    expect(config.project).toBeNull();
    expect(parseConfig(null)).toEqual({ ok: true, config });
  });

  it("merges a partial file with the defaults and normalises logins", () => {
    const result = parseConfig({
      labels: { blocked: "waiting" },
      agents: [{ login: "@alice", domains: ["db"] }, { login: "bob" }],
      validation: { b1: ["@acme/qa", "carol"] },
      project: { url: "https://github.com/orgs/acme/projects/3" },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.labels.blocked).toBe("waiting");
    expect(result.config.labels.ready).toBe("ready");
    expect(result.config.agents).toEqual([
      { login: "alice", domains: ["db"] },
      { login: "bob", domains: [] },
    ]);
    expect(result.config.validation).toEqual({
      b1: ["acme/qa", "carol"],
      b2: [],
      "dismiss-stale": true,
      "e2e-check": null,
      distinct: true,
    });
  });

  it.each([
    [{ labels: { spec: 12 } }, "labels.spec", /got 12/],
    [{ labels: { blokced: "x" } }, "labels", /unknown key "blokced"; allowed: spec, partial, blocked/],
    [{ batch: { size: { min: 12, max: 10 } } }, "batch.size", /min must not exceed max/],
    [{ batch: { overlap: -1 } }, "batch.overlap", /got -1/],
    [{ agents: [{ login: "not a login!" }] }, "agents[0].login", /a GitHub login/],
    [{ project: { url: "https://example.com/x" } }, "project.url", /a project URL/],
    [{ validation: { "e2e-check": 3 } }, "validation.e2e-check", /got 3/],
    [{ nonsense: true }, "(top level)", /unknown key "nonsense"/],
  ])("reports %j at its YAML path", (input, path, message) => {
    const result = parseConfig(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.path === path);
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it("formats problems as one markdown answer", () => {
    const text = formatConfigProblems([{ path: "labels.spec", message: "expected string (got 12)" }]);
    expect(text).toBe(
      "`.github/batch.yml` is invalid, so batchbot changes nothing until it is fixed:\n\n- `labels.spec`: expected string (got 12)",
    );
  });
});

describe("the shipped example", () => {
  it(".github/batch.yml.example is valid and shows exactly the defaults", async () => {
    const { readFileSync } = await import("node:fs");
    const { parse } = await import("yaml");
    const result = parseConfig(parse(readFileSync(".github/batch.yml.example", "utf8")));
    expect(result).toEqual({ ok: true, config: defaultConfig() });
  });

  it("bounds every number by GitHub's limits and names the bound", () => {
    const problems = (input: unknown) => {
      const result = parseConfig(input);
      return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(problems({ batch: { size: { max: 100000000 } } })).toEqual([
      expect.stringMatching(
        /^batch\.size\.max: at most 50 \(.*100 sub-issues per parent\) \(got 100000000\)$/,
      ),
    ]);
    expect(problems({ batch: { "priority-fixes": { min: 0, max: 51 } } })[0]).toMatch(/at most 50/);
    expect(problems({ batch: { "new-work": { max: 1e9 } } })[0]).toMatch(/at most 50/);
    expect(problems({ batch: { overlap: 11, size: { min: 1, max: 50 } } })[0]).toMatch(
      /^batch\.overlap: at most 10/,
    );
    expect(problems({ batch: { overlap: 6, size: { min: 1, max: 5 } } })).toEqual([
      "batch.overlap: overlap must not exceed size.max (a batch can't share more SPECs than it holds) (got 6)",
    ]);
    expect(problems({ project: { owner: "acme", number: 2 ** 40 } })[0]).toMatch(
      /^project\.number: at most 2147483647/,
    );
    expect(problems({ batch: { size: { min: 50, max: 50 }, overlap: 10 } })).toEqual([]);
  });

  it("takes commands from the bot accounts listed under bots", () => {
    const result = parseConfig({ bots: ["@ci-agent[bot]", "deploy-bot"] });
    expect(result.ok && result.config.bots).toEqual(["ci-agent[bot]", "deploy-bot"]);
    expect(parseConfig({ bots: ["not a login"] }).ok).toBe(false);
  });
});
