import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATE, parseTemplate } from "../../src/domain/batch-template.js";
import { parseConfig } from "../../src/domain/config.js";
import { type ConfigCheckPort, checkPushedConfig } from "../../src/features/config-check/run.js";
import type { CheckOutput } from "../../src/github/checks.js";

/** The config check's port in memory: files as given, probe findings as given, check runs recorded. */
function port(files: { config?: unknown; template?: string }, findings: string[] = []) {
  const written: CheckOutput[] = [];
  const fake: ConfigCheckPort = {
    readConfig: async () => parseConfig(files.config ?? {}),
    readTemplate: async () =>
      files.template === undefined ? { ok: true, template: DEFAULT_TEMPLATE } : parseTemplate(files.template),
    probe: async () => findings,
    writeCheckRun: async (check) => {
      written.push(check);
    },
  };
  return { fake, written };
}

describe("checkPushedConfig (workhorse, in-memory port)", () => {
  it("a valid configuration and template: one successful check run on the commit", async () => {
    const { fake, written } = port({});
    expect(await checkPushedConfig(fake, "abc")).toBe(true);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ name: "batchbot config", headSha: "abc", conclusion: "success" });
  });

  it("probe findings make a valid configuration neutral and are listed", async () => {
    const { fake, written } = port({}, ["Project board: no Status field"]);
    expect(await checkPushedConfig(fake, "abc")).toBe(true);
    expect(written[0]).toMatchObject({
      conclusion: "neutral",
      title: "Configuration is valid; 1 warning(s)",
    });
    expect(written[0]!.summary).toContain("- Project board: no Status field");
  });

  it("an invalid configuration fails without probing", async () => {
    let probed = false;
    const { fake, written } = port({ config: { batch: { size: { min: 9, max: 2 } } } });
    fake.probe = async () => {
      probed = true;
      return [];
    };
    expect(await checkPushedConfig(fake, "abc")).toBe(false);
    expect(written[0]!.conclusion).toBe("failure");
    expect(probed).toBe(false);
  });
});
