import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/domain/command-line.js";
import { withoutHtmlComments } from "../../src/domain/markdown.js";

/** Comment bodies made of the pieces that matter to the parser, in any order, plus arbitrary text. */
const piece = fc.oneof(
  fc.constantFrom(
    "/batch",
    "/BATCH",
    "/batch ",
    " /batch",
    "/batchx",
    "help",
    "assign",
    "--dry-run",
    "@alice",
    "#12",
    "```",
    "````",
    "~~~",
    "> ",
    "    ",
    "\t",
    "<!--",
    "-->",
    "`",
    "``",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\u202E",
    "\u200B",
    "é",
    "🙂",
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 10 }),
);
const body = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(""));
const lines = (text: string) => text.split(/\r\n?|\n/);

describe("parseCommands (property)", () => {
  it("never throws, on any text", () => {
    fc.assert(
      fc.property(fc.oneof(body, fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), (text) => {
        parseCommands(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("never invents a command: each one comes from a `/batch` line of the input, with the words it has", () => {
    fc.assert(
      fc.property(body, (text) => {
        const commands = parseCommands(text);
        // A command line may follow inline code or an HTML comment that ends on it (`<!-- x -->/batch help`).
        const candidates = lines(text).filter((l) => /\/batch/i.test(l));
        expect(commands.length).toBeLessThanOrEqual(candidates.length);
        for (const command of commands) {
          expect(command.rest.length).toBeLessThanOrEqual(2000);
          expect(command.args).toEqual(command.rest ? command.rest.split(/\s+/) : []);
          // Arguments are the words as rendered: an HTML comment inside the line is cut out, joining its sides.
          const shown = (l: string) => [l, withoutHtmlComments(l).text, withoutHtmlComments(`<!--${l}`).text];
          const source = candidates.find(
            (l) =>
              (command.name === "help" || l.toLowerCase().includes(command.name)) &&
              command.args.every((a) => shown(l).some((s) => s.includes(a))),
          );
          expect(source, `no line of the input holds ${JSON.stringify(command)}`).toBeDefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the arguments as typed, inline code included (detection alone ignores code)", () => {
    const word = fc.oneof(
      fc.constantFrom(
        "`npm run migrate`",
        "``a ` b``",
        "`x`",
        "`",
        "``",
        "@alice",
        "#12",
        "--force",
        "é",
        "🙂",
      ),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n<>]/g, "")),
    );
    const text = fc.array(word, { maxLength: 8 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(fc.constantFrom("discovery", "blocked", "found-existing", "stage"), text, (name, args) => {
        const [command] = parseCommands(`Thanks!\n/batch ${name} ${args}\nbye`);
        expect(command?.name).toBe(name);
        expect(command?.rest).toBe(args.trim().slice(0, 2000));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["/batch discovery Migrations run with `npm run migrate`", "Migrations run with `npm run migrate`"],
    ["/batch blocked waiting for `db:seed` to pass", "waiting for `db:seed` to pass"],
    ["/batch found-existing #12 in `src/db/migrate.ts`", "#12 in `src/db/migrate.ts`"],
    ["/batch discovery use `x` <!-- hidden --> here", "use `x`  here"],
    ["<!-- note -->/batch discovery use `x` <!-- hidden --> here", "use `x`   here"],
    ["/batch discovery`npm test` passes", "`npm test` passes"],
    ["/batch discovery ! !<!---->\u0000", "! !\u0000"],
  ])("%s keeps its words", (line, rest) => {
    expect(parseCommands(line)).toEqual([
      { name: line.match(/\/batch (\w[\w-]*)/)?.[1] ?? "discovery", args: rest.split(/\s+/), rest },
    ]);
  });

  it("still ignores a command inside inline code or a quote", () => {
    expect(parseCommands("`/batch assign`\n> /batch assign\n    /batch assign")).toEqual([]);
  });

  it("runs nothing inside an unclosed code fence", () => {
    fc.assert(
      fc.property(body, (text) => {
        expect(parseCommands(`\`\`\`\n${text.replace(/[`~]/g, "")}`)).toEqual([]);
      }),
    );
  });

  it("strips HTML comments like the obvious (quadratic) regex does", () => {
    const oracle = (line: string) => {
      let open = false;
      const text = line.replace(/<!--[\s\S]*?(-->|$)/g, (_comment, end: string) => {
        open = end === "";
        return "";
      });
      return { text, open };
    };
    const text = fc.array(fc.constantFrom("<!--", "-->", "-", "<", "!", ">", "a", " "), { maxLength: 40 });
    fc.assert(
      fc.property(
        text.map((p) => p.join("")),
        (line) => {
          expect(withoutHtmlComments(line)).toEqual(oracle(line));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
