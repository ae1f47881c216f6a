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
  ])("ignores %s", (_name, body) => {
    expect(keys(body)).toEqual([]);
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
