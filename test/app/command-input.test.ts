import { afterEach, describe, expect, it } from "vitest";
import { MAX_COMMANDS_PER_COMMENT } from "../../src/features/shared/command-events.js";
import { MAX_COMMENT_LENGTH } from "../../src/github/replies.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { outsideCodeSpans } from "../helpers/markdown.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

/** Sends `body` as a comment on a fresh issue and returns batchbot's replies there. */
async function command(body: string): Promise<string[]> {
  h?.fake.uninstall();
  h = createHarness();
  const issue = h.fake.addIssue("acme/specs", { title: "Tracking" });
  await h.receive("issue_comment", h.commentEvent("acme/specs", issue.number, "mallory", body));
  expect(h.fake.unhandled).toEqual([]);
  return h.fake.botComments("acme/specs", issue.number).map((c) => c.body);
}

describe("hostile command input", () => {
  it.each([
    ["a mention", "/batch @everyone", "@everyone"],
    ["a team mention", "/batch @acme/admins", "@acme"],
    ["HTML", "/batch </details><img src=x onerror=alert(1)>", "<img"],
    ["a backtick break-out", "/batch x`@octocat`y", "@octocat"],
    ["an unclosed backtick run", "/batch ```@octocat", "@octocat"],
    ["a link", "/batch [click](https://evil.example)", "](https://"],
    ["an issue reference", "/batch #1", "#1"],
  ])("quotes an unknown command with %s as code, so nothing in it renders", async (_what, body, marker) => {
    const [reply] = await command(body);
    expect(reply).toBeDefined();
    expect(reply).toContain("is not a batchbot command");
    const firstLine = reply!.split("\n")[0]!;
    expect(outsideCodeSpans(firstLine)).not.toContain(marker);
  });

  it("replaces bidi overrides, zero-width and control characters in quoted input", async () => {
    const [reply] = await command("/batch \u202Eevil\u200Bname\u0007");
    const firstLine = reply!.split("\n")[0]!;
    for (const hidden of ["\u202E", "\u200B", "\u0007"]) expect(firstLine).not.toContain(hidden);
  });

  it("handles odd Unicode in command names without failing", async () => {
    const replies = await command("/batch 🙂\u0301\uD800x ĦËĹP");
    expect(replies).toHaveLength(1);
  });

  it("cuts a huge command name in its reply; the reply fits in a comment", async () => {
    const [reply] = await command(`/batch ${"a".repeat(100_000)}`);
    expect(reply!.length).toBeLessThan(5_000);
    expect(reply).toContain("…");
  });

  it("ignores huge arguments it doesn't need", async () => {
    const replies = await command(`/batch help ${"x ".repeat(200_000)}`);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("batchbot commands");
  });

  it("runs at most a bounded number of commands per comment, and says so", async () => {
    const replies = await command(Array.from({ length: 500 }, () => "/batch nope").join("\n"));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(replies[0]).toContain(`Only the first ${MAX_COMMANDS_PER_COMMENT}`);
    expect(replies[0]!.match(/is not a batchbot command/g)).toHaveLength(MAX_COMMANDS_PER_COMMENT);
  });

  it("runs no command from inside nested code fences, and the one after them", async () => {
    const body = [
      "````markdown",
      "```",
      "/batch help",
      "```",
      "/batch help",
      "````",
      "~~~",
      "/batch help",
      "~~~",
    ].join("\n");
    expect(await command(body)).toEqual([]);
    expect(await command(`${body}\n/batch help`)).toHaveLength(1);
  });

  it("runs nothing from a quote, an HTML comment or an unclosed fence", async () => {
    expect(await command("> /batch help")).toEqual([]);
    expect(await command("<!--\n/batch help\n-->")).toEqual([]);
    expect(await command("```\n/batch help")).toEqual([]);
    expect(await command(`${"<!--".repeat(16_000)}\n/batch help`)).toEqual([]);
  });
});
