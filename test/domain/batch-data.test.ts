import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { driverKind, driverMention } from "../../src/domain/agent-driver.js";
import { withReport } from "../../src/domain/batch-body.js";
import {
  type BatchDataInput,
  buildBatchData,
  DATA_START,
  MAX_BODY,
  parseBatchData,
  REPORT_RESERVE,
  withBatchData,
  withBatchSpecs,
} from "../../src/domain/batch-data.js";
import { parseConfig } from "../../src/domain/config.js";
import { acceptanceCriteria } from "../../src/domain/spec-criteria.js";
import { REPO, registryOf } from "../helpers/specs.js";

const schema = JSON.parse(readFileSync("schema/batch-data.schema.json", "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function expectValid(data: unknown) {
  const ok = validate(data);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(ok).toBe(true);
}

const COMMANDS = { done: "/batch done", blocked: "/batch blocked <reason>" };

function input(overrides: Partial<BatchDataInput> = {}): BatchDataInput {
  const registry = registryOf([
    {
      n: 3,
      title: "Users table `v2` with @alice's #9 notes",
      partial: true,
      body: "## Acceptance criteria\n- [ ] index on email\n- migration runs twice safely\n\n## Notes\n- not a criterion",
    },
    { n: 4, title: "API", deps: [3] },
    { n: 5, title: "UI", body: "Depends on other/lib#7\n\n### Done when\n1. the page renders" },
  ]);
  const spec = (n: number) => registry.specs.get(`acme/specs#${n}`);
  return {
    batch: 12,
    agent: "db-opus",
    specs: [3, 4, 5],
    fixes: [3],
    source: (n) => spec(n),
    repo: REPO,
    issueUrl: (n) => `https://github.com/acme/specs/issues/${n}`,
    validators: { b1: ["acme/qa"], b2: ["carol"] },
    commands: COMMANDS,
    ...overrides,
  };
}

describe("batch data block", () => {
  it("describes each SPEC in batch order with its kind, dependencies and criteria, valid against the schema", () => {
    const data = buildBatchData(input());
    expectValid(data);
    expect(data).toMatchObject({ version: 1, batch: 12, agent: "db-opus", validators: { b1: ["acme/qa"] } });
    expect(data.specs).toEqual([
      {
        number: 3,
        url: "https://github.com/acme/specs/issues/3",
        title: "Users table `v2` with @alice's #9 notes",
        kind: "fix",
        order: 1,
        dependsOn: [],
        criteria: ["index on email", "migration runs twice safely"],
      },
      expect.objectContaining({ number: 4, kind: "new", order: 2, dependsOn: [3], criteria: [] }),
      expect.objectContaining({
        number: 5,
        order: 3,
        dependsOn: ["other/lib#7"],
        criteria: ["the page renders"],
      }),
    ]);
    expect(data.commands).toEqual(COMMANDS);
  });

  it("round-trips through an issue body: hidden copy first, the readable fenced block when the hidden one is gone", () => {
    const data = buildBatchData(input());
    const body = withBatchData('# Batch\n\n- [ ] 1. #3 x\n<!-- batchbot:batch {"v":1} -->\n', data);
    expect(body.indexOf(DATA_START)).toBeGreaterThan(body.indexOf("<!-- batchbot:batch {"));
    expect(body).toContain("<details>\n<summary>Batch data</summary>\n\n```json\n");
    // A backtick in a title never closes the fence.
    expect(body).toContain("Users table \\u0060v2\\u0060");
    expect(parseBatchData(body)).toEqual(data);
    const readableOnly = body.replace(/<!-- batchbot:batch-data [^\n]*-->/, "");
    expect(parseBatchData(readableOnly)).toEqual(data);
    expect(parseBatchData("no block here")).toBeNull();
  });

  it("replaces the section in place and changes nothing when the data is the same", () => {
    const first = withBatchData("# Batch\n", buildBatchData(input()));
    expect(withBatchData(first, buildBatchData(input()))).toBe(first);
    const next = withBatchData(first, buildBatchData(input({ batch: 13 })));
    expect(next.split(DATA_START)).toHaveLength(2);
    expect(parseBatchData(next)?.batch).toBe(13);
    // The report batchbot adds later goes after it.
    const reported = withReport(next, "report");
    expect(parseBatchData(reported)?.batch).toBe(13);
  });

  it("narrows to the batch's SPECs after a release, renumbering the order, and changes nothing otherwise", () => {
    const body = withBatchData("# Batch\n", buildBatchData(input()));
    expect(withBatchSpecs(body, [3, 4, 5])).toBe(body);
    const released = withBatchSpecs(body, [3, 5]);
    expect(parseBatchData(released)?.specs.map((s) => [s.number, s.order])).toEqual([
      [3, 1],
      [5, 2],
    ]);
    expect(withBatchSpecs("no block", [1])).toBe("no block");
  });

  it("keeps the body under GitHub's limit with room for the report: criteria shrink, then the readable copy goes", () => {
    const long = "x".repeat(290);
    const criteria = Array.from({ length: 20 }, (_, i) => `- ${i} ${long}`).join("\n");
    const specs = Array.from({ length: 50 }, (_, i) => i + 1);
    const data = buildBatchData(
      input({
        specs,
        fixes: [],
        source: (n) => ({
          title: `SPEC ${n} ${"t".repeat(200)}`,
          body: `## Acceptance criteria\n${criteria}`,
          dependencies: [],
        }),
      }),
    );
    expect(data.specs[0]!.criteria).toHaveLength(20);
    const body = withBatchData("# Batch\n", data);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY - REPORT_RESERVE);
    const parsed = parseBatchData(body)!;
    expectValid(parsed);
    expect(parsed.specs).toHaveLength(50);
    expect(parsed.specs[0]!.criteria.length).toBeLessThan(20);
  });
});

describe("acceptance criteria", () => {
  it.each([
    ["## Acceptance Criteria:\n- a\n- b", ["a", "b"]],
    ["## Success criteria\n* [x] done already", ["done already"]],
    ["## Definition of Done\n1) one\n\n## Next\n- no", ["one"]],
    ["## Criteria\n```\n- in code\n```\n> - quoted\n- real", ["real"]],
    ["## Scope\n- not criteria", []],
    ["", []],
  ])("%j → %j", (body, want) => {
    expect(acceptanceCriteria(body)).toEqual(want);
  });
});

describe("driver configuration", () => {
  const agent = (driver: unknown) => parseConfig({ agents: [{ login: "bot", driver }] });

  it.each([
    ["none", "none"],
    [{ label: "claude" }, "label"],
    [{ mention: "@claude" }, "mention"],
    [{ copilot: {} }, "copilot"],
    [{ copilot: { instructions: "Work in order", base: "develop" } }, "copilot"],
    [{ dispatch: { workflow: "agent.yml", ref: "main" } }, "dispatch"],
  ])("accepts %j", (driver, kind) => {
    const result = agent(driver);
    expect(result.ok).toBe(true);
    if (result.ok) expect(driverKind(result.config.agents[0]!.driver)).toBe(kind);
  });

  it("defaults to none and reads the daily cap", () => {
    const result = parseConfig({ agents: [{ login: "bot" }], batch: { "max-driven-per-day": 3 } });
    expect(result.ok && driverKind(result.config.agents[0]!.driver)).toBe("none");
    expect(result.ok && result.config.batch["max-driven-per-day"]).toBe(3);
    expect(driverMention({ mention: "@claude" })).toBe("@claude");
  });

  it.each([
    { label: "" },
    { mention: "claude" },
    { dispatch: { workflow: "../x" } },
    { copilot: { model: "x" } },
    "always",
  ])("refuses %j with the forms it takes", (driver) => {
    const result = agent(driver);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.path).toMatch(/^agents\[0\]\.driver/);
  });

  it("says which forms a driver takes", () => {
    const result = agent("always");
    expect(!result.ok && result.problems[0]!.message).toMatch(/one of none, \{label: NAME\}/);
  });
});
