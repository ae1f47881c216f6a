import { describe, expect, it } from "vitest";
import { type BoardField, type BoardItem, planBoard } from "../../src/domain/board-plan.js";
import { BOARD_STATUSES, type BoardRow } from "../../src/domain/board-state.js";

const statusField = (options: readonly string[] = BOARD_STATUSES): BoardField => ({
  id: "F_status",
  name: "Status",
  dataType: "SINGLE_SELECT",
  options: options.map((name, i) => ({ id: `o${i}`, name })),
});
const text = (name: string): BoardField => ({ id: `F_${name}`, name, dataType: "TEXT" });
const complete = [statusField(), text("Agent"), text("Batch"), text("Domain")];

const row = (number: number, values: Partial<BoardRow["values"]> = {}): BoardRow => ({
  contentId: `I_${number}`,
  number,
  kind: "spec",
  values: { status: "In batch", agent: "db-agent", batch: "#100", domain: "db", ...values },
});
const item = (number: number, values: BoardItem["values"]): [string, BoardItem] => [
  `I_${number}`,
  { itemId: `PVTI_${number}`, values },
];
const inSync = { status: "In batch", agent: "db-agent", batch: "#100", domain: "db" };

describe("board plan", () => {
  it("adds an issue once and writes its four fields", () => {
    const plan = planBoard(complete, [row(1)], new Map());
    expect(plan.add.map((r) => r.number)).toEqual([1]);
    expect(plan.writes.map((w) => [w.key, w.value])).toEqual([
      ["status", "In batch"],
      ["agent", "db-agent"],
      ["batch", "#100"],
      ["domain", "db"],
    ]);
    expect(plan.createFields).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it("writes nothing when the board already shows the state", () => {
    const plan = planBoard(complete, [row(1)], new Map([item(1, inSync)]));
    expect(plan).toEqual({ createFields: [], add: [], writes: [], problems: [] });
  });

  // [case, current values, desired values, expected writes]
  const changes: Array<
    [string, BoardItem["values"], Partial<BoardRow["values"]>, Array<[string, string | null]>]
  > = [
    ["only the changed field", { ...inSync, status: "Ready" }, {}, [["status", "In batch"]]],
    ["status option names in any case", { ...inSync, status: "in BATCH" }, {}, []],
    ["an emptied text field is cleared", inSync, { batch: "" }, [["batch", null]]],
    ["an empty field stays empty", { ...inSync, domain: null }, { domain: "" }, []],
    ["a status batchbot doesn't manage is left alone", { ...inSync, status: "Todo" }, { status: null }, []],
  ];
  it.each(changes)("%s", (_name, current, desired, expected) => {
    const plan = planBoard(complete, [row(1, desired)], new Map([item(1, current)]));
    expect(plan.writes.map((w) => [w.key, w.value])).toEqual(expected);
    expect(plan.add).toEqual([]);
  });

  it("creates missing fields: Status with all seven options, the others as text", () => {
    const plan = planBoard([text("Agent")], [row(1)], new Map());
    expect(plan.createFields).toEqual([
      { key: "status", name: "Status", dataType: "SINGLE_SELECT", options: [...BOARD_STATUSES] },
      { key: "batch", name: "Batch", dataType: "TEXT", options: [] },
      { key: "domain", name: "Domain", dataType: "TEXT", options: [] },
    ]);
    expect(plan.writes).toHaveLength(4);
  });

  it("reports Status options the field lacks and leaves those items' Status alone", () => {
    const fields = [
      statusField(["Todo", "In Progress", "Done"]),
      text("Agent"),
      text("Batch"),
      text("Domain"),
    ];
    const plan = planBoard(
      fields,
      [row(1), row(2, { status: "Done" }), row(3, { status: "Ready" })],
      new Map(),
    );
    expect(plan.writes.filter((w) => w.key === "status").map((w) => [w.number, w.value])).toEqual([
      [2, "Done"],
    ]);
    expect(plan.problems).toEqual([
      'The Status field has no option "Blocked", "Ready", "In batch", "In review", "Changes requested", "Validated". Add them with these names in the project\'s field settings; until then batchbot leaves Status alone on 2 items that need them.',
    ]);
  });

  it("leaves a field of the wrong type or a near-miss name alone and says so", () => {
    const fields = [
      statusField(),
      { id: "F_a", name: "Agent", dataType: "SINGLE_SELECT", options: [] },
      text("batch"),
      text("Domain"),
    ];
    const plan = planBoard(fields, [row(1)], new Map());
    expect(plan.problems).toEqual([
      "The Agent field is a single-select field, not text; batchbot leaves it alone.",
      'The field "batch" must be named exactly "Batch" for batchbot to use it; it is left alone.',
    ]);
    expect(plan.createFields).toEqual([]);
    expect(plan.writes.map((w) => w.key)).toEqual(["status", "domain"]);
  });
});
