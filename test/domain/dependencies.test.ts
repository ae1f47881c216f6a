import { describe, expect, it } from "vitest";
import { parseDependencies } from "../../src/domain/dependencies.js";
import { refKey } from "../../src/domain/references.js";

const home = { owner: "acme", repo: "specs" };
const keys = (body: string, hosts?: string[]) => parseDependencies(body, home, hosts).map(refKey);

describe("parseDependencies", () => {
  it.each([
    ["Depends on #12", ["acme/specs#12"]],
    ["depends on #12, #15", ["acme/specs#12", "acme/specs#15"]],
    ["Depends on: #12, #15 and #18", ["acme/specs#12", "acme/specs#15", "acme/specs#18"]],
    ["Depends on #1 & #2", ["acme/specs#1", "acme/specs#2"]],
    ["Depends on #1, and #2", ["acme/specs#1", "acme/specs#2"]],
    ["Blocked by acme/api#3", ["acme/api#3"]],
    ["BLOCKED BY Acme/API#3", ["acme/api#3"]],
    ["Requires https://github.com/acme/specs/issues/9", ["acme/specs#9"]],
    ["Requires https://github.com/other/repo/pull/4", ["other/repo#4"]],
    ["After #4", ["acme/specs#4"]],
    ["- Depends on #7", ["acme/specs#7"]],
    ["1. Blocked by #8", ["acme/specs#8"]],
    ["**Depends on:** #9", ["acme/specs#9"]],
    ["  depends   on   #10", ["acme/specs#10"]],
    ["Depends on #12\nBlocked by #12", ["acme/specs#12"]],
    [
      "Depends on #12, acme/api#3 and https://github.com/x/y/issues/2",
      ["acme/specs#12", "acme/api#3", "x/y#2"],
    ],
    // Issue 12, cases 1–7: read the way GitHub shows the text.
    ["Depends on #2, depends on #3", ["acme/specs#2", "acme/specs#3"]], // 1: a repeated keyword
    ["Blocked by #2, blocked by acme/api#3 and after #4", ["acme/specs#2", "acme/api#3", "acme/specs#4"]],
    ["**Depends on** #2, **depends on:** #3", ["acme/specs#2", "acme/specs#3"]],
    ["Depends on [API spec](https://github.com/acme/api/issues/3)", ["acme/api#3"]], // 2: a markdown link
    ['Depends on [#9](https://github.com/acme/specs/issues/9 "title"), #4', ["acme/specs#9", "acme/specs#4"]],
    ["Requires <https://github.com/acme/api/issues/5>", ["acme/api#5"]],
    ["Depends on GH-26", ["acme/specs#26"]], // 3: GH-N
    ["Depends on GH-26 and gh-27", ["acme/specs#26", "acme/specs#27"]],
    ["\\`Depends on #2\\`", []], // 4: escaped backticks are literal (the line starts with one)
    ["Depends on #2 \\`not code\\`", ["acme/specs#2"]],
    ["Depends on \\`x\\` #3\nDepends on #4", ["acme/specs#4"]],
    ["Depends on #1<!-- c -->and #2", ["acme/specs#1", "acme/specs#2"]], // 6: a comment separates words
    ["Depends on #1<!-- a --><!-- b -->& #2", ["acme/specs#1", "acme/specs#2"]],
    ["Depends on \\#5", ["acme/specs#5"]],
    ["<div>\nDepends on #5\n</div>", ["acme/specs#5"]],
    ["<details><summary>Deps</summary>\n\nDepends on #6\n\n</details>", ["acme/specs#6"]],
  ])("reads %j", (body, expected) => {
    expect(keys(body)).toEqual(expected);
  });

  it.each([
    ["prose mentioning #12", "This relates to #12 but is not a dependency"],
    ["keyword mid-sentence", "We can start this after #4 is merged, which depends on #5"],
    ["fenced code", "```\nDepends on #12\n```"],
    ["tilde fence", "~~~md\nDepends on #12\n~~~"],
    ["quote", "> Depends on #12"],
    ["nested quote", "> > Blocked by #3"],
    ["inline code", "`Depends on #12`"],
    ["HTML comment", "<!-- Depends on #12 -->"],
    ["multi-line HTML comment", "<!--\nDepends on #12\n-->"],
    ["indented code", "Text\n\n    Depends on #12"],
    ["no number", "Depends on #"],
    ["issue zero", "Depends on #0"],
    ["word-attached", "Depends on #12abc"],
    ["other host URL", "Requires https://gitlab.com/acme/specs/issues/9"],
    ["empty", ""],
    // Issue 12, cases 4, 5 and 7.
    ["a backtick escaped inside a code span", "`Depends on #2\\`"],
    ["a code span over two lines", "see `the note\nDepends on #2` here"],
    ["HTML <code>", "<code>Depends on #5</code>"],
    ["HTML <code> in a paragraph", "Text <code>x\nDepends on #5</code>"],
    ["a <pre> block", "<pre>\nDepends on #5\n</pre>"],
    ["a <pre> block with blank lines", "<pre>\n\nDepends on #5\n\n</pre>"],
    ["a quote's lazy continuation line", "> note\ndepends on #1"],
    ["a quote's lazy continuation lines", "> note\n> more\ndepends on #1\nblocked by #2"],
    ["an HTML comment block", "<!-- hidden\nDepends on #12 -->"],
    ["an indented line after a heading", "# Title\n    Depends on #12"],
    ["a fence that opens in a list-free quote", "> ```\n> Depends on #1\n> ```"],
  ])("ignores %s", (_name, body) => {
    expect(keys(body)).toEqual([]);
  });

  it("reads what follows a quote when the quote's paragraph has ended", () => {
    expect(keys("> note\n\ndepends on #1")).toEqual(["acme/specs#1"]);
    expect(keys("> ```\nDepends on #1")).toEqual(["acme/specs#1"]);
    expect(keys("> note\n# Heading\ndepends on #1")).toEqual(["acme/specs#1"]);
    expect(keys("<pre>\nDepends on #5\n</pre>\nDepends on #6")).toEqual(["acme/specs#6"]);
  });

  it("stops after one more than the limit, so callers can tell a body names too many", () => {
    const body = `Depends on ${Array.from({ length: 5000 }, (_, i) => `#${i + 1}`).join(", ")}`;
    expect(parseDependencies(body, home)).toHaveLength(101);
    expect(parseDependencies(body, home, undefined, 10)).toHaveLength(11);
  });

  it("keeps reading after a code block ends", () => {
    expect(keys("```\nDepends on #1\n```\nDepends on #2")).toEqual(["acme/specs#2"]);
  });

  it("reads task-list items under a Dependencies heading only", () => {
    const body = [
      "## Summary",
      "- [ ] #1 not a dependency",
      "## Dependencies",
      "- [ ] #2 database table",
      "- [x] acme/api#3 API endpoint",
      "* [ ] https://github.com/acme/specs/issues/4",
      "- plain item #5 is not a task",
      "### Notes (still inside)",
      "- [ ] #6 nested",
      "## Remaining",
      "- [ ] #7 not a dependency",
    ].join("\n");
    expect(keys(body)).toEqual(["acme/specs#2", "acme/api#3", "acme/specs#4", "acme/specs#6"]);
  });

  it("accepts a Dependencies heading of any level and decoration", () => {
    expect(keys("### **Dependencies:**\n- [ ] #2")).toEqual(["acme/specs#2"]);
  });

  it("keeps a self-reference so the cycle can be reported", () => {
    expect(keys("Depends on acme/specs#5")).toEqual(["acme/specs#5"]);
  });

  it("accepts issue URLs of a GitHub Enterprise host when configured", () => {
    expect(
      keys("Requires https://ghe.example.com/acme/specs/issues/9", ["github.com", "ghe.example.com"]),
    ).toEqual(["acme/specs#9"]);
    expect(keys("Requires https://ghe.example.com/acme/specs/issues/9")).toEqual([]);
  });

  it("handles CRLF line endings", () => {
    expect(keys("Intro\r\nDepends on #3\r\n")).toEqual(["acme/specs#3"]);
  });
});
