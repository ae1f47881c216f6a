import { readFileSync } from "node:fs";
import { lexer, type Tokens } from "marked";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** docs/permissions.md is the one list of permissions and events; it must say exactly what app.yml asks for. */
const manifest = parse(readFileSync("app.yml", "utf8")) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};
const tables = lexer(readFileSync("docs/permissions.md", "utf8")).filter(
  (t): t is Tokens.Table => t.type === "table",
);
const column = (table: Tokens.Table, n: number) => table.rows.map((row) => row[n]?.text ?? "");

describe("docs/permissions.md", () => {
  it("lists exactly app.yml's permissions, with their access", () => {
    const table = tables.find((t) => t.header.some((h) => h.text === "`app.yml`"));
    const documented = Object.fromEntries(
      column(table!, 1).map((cell) => /^`(\w+): (read|write)`$/.exec(cell)!.slice(1, 3) as [string, string]),
    );
    expect(documented).toEqual(manifest.default_permissions);
  });

  it("lists exactly app.yml's events", () => {
    const table = tables.find((t) => t.header[0]?.text === "Event");
    const documented = column(table!, 0).map((cell) => cell.replace(/`/g, ""));
    expect(documented.sort()).toEqual([...manifest.default_events].sort());
  });
});
