import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** No function in `src` spans more than this many lines (issue 15: steps with names, not features in one function). */
const MAX_LINES = 80;
const root = join(import.meta.dirname, "../..");

interface LongFunction {
  name: string;
  line: number;
  lines: number;
}

/** Every function, method, accessor, constructor, arrow and function expression longer than `max` lines. */
function longFunctions(fileName: string, text: string, max = MAX_LINES): LongFunction[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) found.push({ name: nameOf(node), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The function's own name, else the variable, property or parameter it is given to. */
function nameOf(node: ts.Node): string {
  const own = (node as { name?: ts.Node }).name;
  if (own) return own.getText();
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  if (ts.isCallExpression(parent)) return `(callback to ${parent.expression.getText().slice(0, 40)})`;
  return "(anonymous)";
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe("function length", () => {
  it(`no function in src spans more than ${MAX_LINES} lines`, () => {
    const files = sourceFiles(join(root, "src"));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) =>
      longFunctions(file, readFileSync(file, "utf8")).map(
        (f) => `${relative(root, file)}:${f.line} ${f.name} (${f.lines} lines)`,
      ),
    );
    expect(offenders, `split these into named steps of at most ${MAX_LINES} lines`).toEqual([]);
  });

  const body = (lines: number) =>
    Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join("\n");
  it.each([
    ["a declaration", (n: number) => `export function step() {\n${body(n)}\n}\n`, "step"],
    ["an arrow", (n: number) => `const handler = async (x: number) => {\n${body(n)}\n};\n`, "handler"],
    ["a method", (n: number) => `class A {\n  run(): void {\n${body(n)}\n  }\n}\n`, "run"],
    ["a callback", (n: number) => `items.map(function (x) {\n${body(n)}\n});\n`, "(callback to items.map)"],
    ["an object's function", (n: number) => `const o = {\n  go: () => {\n${body(n)}\n  },\n};\n`, "go"],
  ])("finds %s of 81 lines and lets one of 80 pass", (_kind, make, name) => {
    expect(longFunctions("x.ts", make(MAX_LINES + 1))).toEqual([
      expect.objectContaining({ name, lines: MAX_LINES + 1 }),
    ]);
    expect(longFunctions("x.ts", make(MAX_LINES))).toEqual([]);
  });
});
