import { describe, expect, it } from "vitest";
import { boardRows, specStatus } from "../../src/domain/board-state.js";
import { buildRegistry } from "../../src/domain/registry.js";
import type { Spec } from "../../src/domain/spec.js";
import { FIXTURE_REPO, fixtureBatches, fixtureConfig, fixtureIssues } from "../helpers/metrics-fixture.js";

const config = fixtureConfig();
const specs = [...buildRegistry(FIXTURE_REPO, fixtureIssues(), config).specs.values()];
const spec = (labels: string[], state: "OPEN" | "CLOSED" = "OPEN", stateReason: Spec["stateReason"] = null) =>
  ({ ...specs[4]!, labels: ["spec", ...labels], state, stateReason }) as Spec;

describe("Status of a SPEC", () => {
  // [case, labels, state, reason, in an open batch, expected]
  const cases: Array<[string, string[], "OPEN" | "CLOSED", Spec["stateReason"], boolean, string | null]> = [
    [
      "closed as completed wins over everything",
      ["validated", "blocked"],
      "CLOSED",
      "COMPLETED",
      true,
      "Done",
    ],
    ["closed before GitHub kept reasons counts as completed", [], "CLOSED", null, false, "Done"],
    ["closed as not planned is left alone", ["ready"], "CLOSED", "NOT_PLANNED", false, null],
    ["closed as duplicate is left alone", [], "CLOSED", "DUPLICATE", true, null],
    [
      "validated wins over changes requested",
      ["validated", "changes-requested"],
      "OPEN",
      null,
      true,
      "Validated",
    ],
    [
      "changes requested wins over in review",
      ["changes-requested", "in-review"],
      "OPEN",
      null,
      true,
      "Changes requested",
    ],
    ["in review wins over in batch", ["in-review"], "OPEN", null, true, "In review"],
    ["in an open batch wins over blocked", ["blocked"], "OPEN", null, true, "In batch"],
    ["blocked", ["blocked"], "OPEN", null, false, "Blocked"],
    ["ready", ["ready"], "OPEN", null, false, "Ready"],
    ["no readiness label yet counts as ready", [], "OPEN", null, false, "Ready"],
    ["labels match in any case", ["In-Review"], "OPEN", null, false, "In review"],
  ];
  it.each(cases)("%s", (_name, labels, state, reason, inBatch, expected) => {
    expect(specStatus(spec(labels, state, reason), inBatch, config)).toBe(expected);
  });
});

describe("board rows", () => {
  const rows = boardRows(specs, fixtureBatches(), config);
  const row = (number: number) => rows.find((r) => r.number === number)!;
  // [number, status, agent, batch, domain]
  const cases: Array<[number, string | null, string, string, string]> = [
    [1, "Done", "db-agent", "#100", "db"],
    [4, null, "db-agent", "#100", ""],
    [5, "In review", "db-agent, ui-agent", "#101, #102", "db"],
    [8, "In batch", "db-agent", "#101", "ui"],
    [11, "Blocked", "carol", "", ""],
    [12, "Done", "extra-agent", "#103", ""],
    [100, "Done", "db-agent", "#100", "db"],
    [101, "Blocked", "db-agent", "#101", "db, ui"],
    [102, "In batch", "ui-agent", "#102", "db, ui"],
  ];
  it.each(cases)("#%i", (number, status, agent, batch, domain) => {
    expect(row(number).values).toEqual({ status, agent, batch, domain });
  });
  it("has one row per SPEC and per batch issue", () => {
    expect(rows.map((r) => `${r.kind}:${r.number}`)).toEqual([
      ...specs.map((s) => `spec:${s.number}`),
      "batch:100",
      "batch:101",
      "batch:102",
      "batch:103",
    ]);
  });
});
