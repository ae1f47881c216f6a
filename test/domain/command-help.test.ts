import { describe, expect, it } from "vitest";
import { renderHelp } from "../../src/domain/command-help.js";

/** GFM splits a table row on every pipe that is not backslash-escaped, code spans included. */
function gfmCells(row: string): string[] {
  return row
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe("renderHelp", () => {
  it("keeps a usage with a pipe (`b1|b2`) in one table cell", () => {
    const table = renderHelp([
      {
        name: "approve",
        usage: "/batch approve b1|b2",
        description: "approves a stage (b1|b2)",
        whoCanUse: "validators",
        examples: [],
      },
    ]);
    const row = table.split("\n")[2] as string;
    expect(gfmCells(row)).toEqual(["`/batch approve b1\\|b2`", "approves a stage (b1\\|b2)", "validators"]);
  });
});
