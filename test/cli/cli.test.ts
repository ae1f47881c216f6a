import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SPECS, main } from "../../src/cli/plan.js";
import { WORD_JOINER } from "../../src/domain/mention-escape.js";

function run(argv: string[], cwd = process.cwd()) {
  let out = "";
  let err = "";
  const code = main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd,
  });
  return { code, out: out.replaceAll(WORD_JOINER, ""), err };
}

const SEED_AGENTS = "DATABASE-OPUS,ALGORITHM-OPUS,INTEGRATION-OPUS,UI-OPUS";

describe("batchbot plan", () => {
  it("plans the example for the seed's agents, as the app would write it", () => {
    const { code, out } = run(["plan", "--agents", SEED_AGENTS]);
    expect(code).toBe(0);
    expect(out).toMatch(/^# Batch plan: 4 batches for 36 SPECs\n/);
    for (const agent of SEED_AGENTS.split(",")) expect(out).toContain(`# 🚀 BATCH ASSIGNMENT - @${agent}\n`);
    expect(out).toContain("**Batch 1 for @DATABASE-OPUS: 10 SPECs**");
    // The seed's Phase 1 shape: batches of 8–10 with 3–4 priority fixes each.
    const batches = out.split("\n---\n").filter((part) => part.includes("# 🚀 BATCH ASSIGNMENT"));
    expect(batches).toHaveLength(4);
    for (const batch of batches) {
      const tasks = batch.split("\n").filter((l) => l.startsWith("- [ ] "));
      expect(tasks.length).toBeGreaterThanOrEqual(8);
      expect(tasks.length).toBeLessThanOrEqual(10);
      const fixes = tasks.filter((l) => l.includes("— **fix:**")).length;
      expect(fixes).toBeGreaterThanOrEqual(3);
      expect(fixes).toBeLessThanOrEqual(4);
    }
    expect(out).toContain(
      "- [ ] 1. #5 SPEC-05 Migration runner rollback · database — **fix:** Down migrations skip seed data; No dry-run output for rollbacks",
    );
    expect(out).toContain("Nothing left over.");
    expect(out).toContain("**Messages:** 8 with batches (2 per agent × 4) instead of 108–144");
    expect(out).not.toContain("batchbot:batch");
  });

  it("prints JSON, and takes domains with the agents", () => {
    const { code, out } = run([
      "plan",
      EXAMPLE_SPECS,
      "--agents",
      "a:database+ui,b",
      "--format=json",
      "--size",
      "6",
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(plan.batches.map((b: any) => [b.agent, b.specs.length])).toEqual([
      ["a", 6],
      ["b", 6],
    ]);
    expect(plan.batches[0].message).toContain("· database");
    expect(plan.messages).toMatchObject({
      specs: 12,
      agents: 2,
      batched: 4,
      traditional: { min: 36, max: 48 },
    });
    expect(plan.leftovers.find((l: any) => l.number === 10)).toEqual({
      number: 10,
      title: "SPEC-10 Backup verification job",
      reason: "no-capacity",
    });
  });

  it("reads a gh issue list file, a configuration and a template", () => {
    const dir = mkdtempSync(join(tmpdir(), "batchbot-cli-"));
    writeFileSync(
      join(dir, "issues.json"),
      JSON.stringify([
        {
          number: 1,
          title: "Plain",
          body: "",
          labels: [],
          state: "CLOSED",
          stateReason: "COMPLETED",
          assignees: [],
        },
        {
          number: 2,
          title: "Todo @x",
          body: "Depends on #1",
          labels: [{ name: "task" }],
          state: "OPEN",
          assignees: [],
        },
        { number: 3, title: "Later", body: "Blocked by #2", labels: ["task"], state: "open", assignees: [] },
      ]),
    );
    writeFileSync(join(dir, "batch.yml"), "labels:\n  spec: task\nagents:\n  - login: zoe\n");
    writeFileSync(join(dir, "tpl.md"), "For {{agent}}:\n{{tasks}}\n");
    const { code, out } = run(["plan", "issues.json", "--config", "batch.yml", "--template", "tpl.md"], dir);
    expect(code).toBe(0);
    expect(out).toContain(
      "**Batch 1 for @zoe: 2 SPECs**\n\nFor @zoe:\n- [ ] 1. #2 Todo @x\n- [ ] 2. #3 Later\n",
    );
  });

  it.each([
    [["plan", "missing.json", "--agents", "a"], "no such file missing.json"],
    [["plan", "--agents", "a", "--format", "yaml"], "--format is markdown or json"],
    [["plan", "--agents", "a/b"], "is not an agent's GitHub login"],
    [["plan", "--size", "0", "--agents", "a"], "--size needs a whole number"],
    [["plan", "--agents"], "--agents needs a value"],
    [["plan", "--agents", "--format", "json"], "--agents needs a value"],
    [["plan", "--verbose"], "unknown option --verbose"],
    [["plan", "a.json", "b.json"], "one FILE at most"],
    [["plan", "--config", "nope.yml", "--agents", "a"], "no such file nope.yml"],
    [["deploy"], "unknown command deploy"],
  ])("fails with one line on stderr and exit 2 on %j", (argv, message) => {
    const { code, out, err } = run(argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(message);
    expect(err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("says which label it looked for when the file has no SPEC", () => {
    const dir = mkdtempSync(join(tmpdir(), "batchbot-cli-"));
    const issue = { number: 1, title: "Task", body: "", labels: ["task"], state: "OPEN", assignees: [] };
    writeFileSync(join(dir, "issues.json"), JSON.stringify([issue]));
    const { code, err } = run(["plan", "issues.json", "--agents", "a"], dir);
    expect(code).toBe(2);
    expect(err).toContain("no SPECs in issues.json: none of its 1 issue is labelled `spec`");
    writeFileSync(join(dir, "batch.yml"), "labels:\n  spec: story\n");
    expect(run(["plan", "issues.json", "--agents", "a", "--config", "batch.yml"], dir).err).toContain(
      "is labelled `story` (labels.spec in batch.yml)",
    );
  });

  it("names the domains that exist when --domain names none", () => {
    const { code, err } = run(["plan", "--agents", "a", "--domain", "nope"]);
    expect(code).toBe(2);
    expect(err).toContain("has domain nope; its domains: algorithm, database, integration, ui");
    expect(run(["plan", "--agents", "a", "--domain", "UI"]).code).toBe(0);
  });

  it("rejects a file that isn't gh issue list JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "batchbot-cli-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify([{ number: "one" }]));
    const { code, err } = run(["plan", "bad.json", "--agents", "a"], dir);
    expect(code).toBe(2);
    expect(err).toContain("is not a `gh issue list --json` array: at 0.number");
    expect(err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("runs as a command with no network (npm run demo)", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "demo"], { cwd: process.cwd() });
    expect(stdout).toMatch(/^# Batch plan: 4 batches for 36 SPECs/);
    // The second step: the agent's next batch quotes what its first batch and the knowledge registry found.
    const second = stdout.slice(stdout.indexOf("# Step 2"));
    expect(second).toContain("**Batch 2 for @DATABASE-OPUS: 9 SPECs**");
    expect(second).toContain(
      "## 💡 SUCCESS PATTERN:\nBuild on what your earlier batches found:\n- Batch 1 (#37): completed #1,",
    );
    expect(second).toContain("From the knowledge registry (#38):");
    expect(second).toContain("Migrations run with `npm run migrate -- --dry-run` first");
  });
});
