import { describe, expect, it } from "vitest";
import { parseAssignArgs, resolveAgents } from "../../src/domain/assign-args.js";
import { parseConfig } from "../../src/domain/config.js";

describe("parseAssignArgs", () => {
  it.each([
    [[], { agents: [], size: null, domain: null, dryRun: false }],
    [["@alice", "bob", "@Alice"], { agents: ["alice", "bob"], size: null, domain: null, dryRun: false }],
    [["--size", "6", "--domain=ui", "--dry-run"], { agents: [], size: 6, domain: "ui", dryRun: true }],
    [["--size=8", "@copilot[bot]"], { agents: ["copilot[bot]"], size: 8, domain: null, dryRun: false }],
  ])("%j", (tokens, want) => {
    expect(parseAssignArgs(tokens)).toEqual({ ok: true, args: want });
  });

  it.each([
    [["--size"], "`--size` needs a whole number"],
    [["--size", "0"], "`--size` needs a whole number"],
    [["--size", "2.5"], "`--size` needs a whole number"],
    [["--domain"], "`--domain` needs a domain name"],
    [["--domain", "--dry-run"], "`--domain` needs a domain name"],
    [["--force"], "unknown option `--force`"],
    [["@acme/team"], "is not an agent's GitHub login"],
  ])("rejects %j", (tokens, problem) => {
    const result = parseAssignArgs(tokens);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it("`/batch plan` is a dry run", () => {
    expect(parseAssignArgs([], true)).toMatchObject({ ok: true, args: { dryRun: true } });
  });
});

describe("resolveAgents", () => {
  const parsed = parseConfig({
    agents: [
      { login: "DB-Opus", domains: ["database"] },
      { login: "ui-opus", domains: ["ui"] },
      { login: "generalist" },
    ],
  });
  if (!parsed.ok) throw new Error("bad config");
  const config = parsed.config;
  const args = (over: object) => ({ agents: [], size: null, domain: null, dryRun: false, ...over });

  it("defaults to the configured agents", () => {
    expect(resolveAgents(args({}), config).map((a) => a.login)).toEqual(["DB-Opus", "ui-opus", "generalist"]);
  });
  it("narrows the configured agents by --domain", () => {
    expect(resolveAgents(args({ domain: "UI" }), config).map((a) => a.login)).toEqual([
      "ui-opus",
      "generalist",
    ]);
  });
  it("keeps a named agent's configured domains and spelling", () => {
    expect(resolveAgents(args({ agents: ["db-opus", "zed"] }), config)).toEqual([
      { login: "DB-Opus", domains: ["database"] },
      { login: "zed", domains: [] },
    ]);
  });
  it("gives named agents the --domain", () => {
    expect(resolveAgents(args({ agents: ["db-opus"], domain: "ui" }), config)).toEqual([
      { login: "DB-Opus", domains: ["ui"] },
    ]);
  });
});
