import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_COMMANDS } from "../../src/cli.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * README's command tables list exactly the commands the app registers: the `/batch` commands as its own
 * `/batch help` reply lists them (from the command definitions), and the `batchbot` CLI's subcommands.
 */
const REPO = "acme/specs";
const readme = readFileSync("README.md", "utf8");
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** The first cell of every table row whose first cell is code: `/batch x` or `batchbot x`, pipes unescaped. */
function firstCells(markdown: string, prefix: string): string[] {
  return [...markdown.matchAll(/^\| `((?:[^`\\]|\\.)+)` (?:, `[^`]+`)?\s*\|/gm)]
    .map((m) => (m[1] as string).replace(/\\\|/g, "|"))
    .filter((cell) => cell.startsWith(prefix));
}

describe("README's command tables", () => {
  it("list every /batch command the app registers, with its usage, and no other", async () => {
    h = createHarness();
    h.fake.repo(REPO).collaborators.set("lead", "maintain");
    const issue = h.fake.addIssue(REPO, { title: "Planning" }).number;
    await h.receive("issue_comment", h.commentEvent(REPO, issue, "lead", "/batch help"));
    const reply = h.fake.botComments(REPO, issue).at(-1)?.body ?? "";
    const registered = [...reply.matchAll(/^\| `((?:[^`\\]|\\.)+)` \|/gm)].map((m) =>
      (m[1] as string).replace(/\\\|/g, "|"),
    );
    expect(registered.length).toBeGreaterThan(10);
    expect(firstCells(readme, "/batch ").sort()).toEqual(registered.sort());
  });

  it("list every subcommand of the batchbot CLI", () => {
    const documented = firstCells(readme, "batchbot ").map((cell) => cell.split(" ")[1]);
    expect(documented.sort()).toEqual(CLI_COMMANDS.map((c) => c.name).sort());
  });
});
