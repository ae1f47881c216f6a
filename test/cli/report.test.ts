import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReport } from "../../src/cli/report.js";

const args = [
  "examples/report.json",
  "--config",
  "examples/report-batch.yml",
  "--now",
  "2026-11-25T12:00:00Z",
];

describe("batchbot report", () => {
  it("prints the dashboard's figures for a gh issue list export, batch issues included", async () => {
    const out = await runReport([...args, "--repo", "acme/specs"]);
    expect(out.startsWith("# Batch dashboard: acme/specs\n")).toBe(true);
    expect(out).not.toContain("<!--");
    // the hand-computed figures of test/helpers/metrics-fixture.ts (test/domain/metrics.test.ts)
    for (const line of [
      "| db-agent | #101 (batch 2) | `░░░░░░░░░░` 0/3 | 1 | #101: waiting for DB \\| credentials from @\u200bops (2d) | 1 |",
      "**Open SPECs: 7** (Blocked 1 · Ready 0 · In batch 3 · In review 1 · Changes requested 1 · Validated 1) · closed: 5",
      "| E2E validation | 60% (3 of 5 finished SPECs validated) |",
      "| Forecast | 7 open SPECs at 0.3/day (last 7 days): empty in about 25 days (2026-12-20) |",
      // no label history offline: only #6 counts as changes requested, so 3 of 4 pass first time
      "| Quality gate | first pass 75% (3 validated without changes requested) · pass rate 75% (3 of 4 reviewed) |",
    ])
      expect(out.split("\n")).toContain(line);
  });

  it("prints JSON with fractions rounded", async () => {
    const report = JSON.parse(await runReport([...args, "--format", "json"]));
    expect(report.repo).toBe("local/export");
    expect(report.system.messages).toMatchObject({
      total: 8,
      specs: 11,
      perSpec: 0.7273,
      reduction: [0.7576, 0.8182],
    });
    expect(report.system.forecast).toEqual({
      open: 7,
      velocity: 0.2857,
      window: 7,
      days: 25,
      date: "2026-12-20",
    });
    expect(report.batches.map((b: { number: number }) => b.number)).toEqual([103, 100, 101, 102]);
  });

  it("takes the repository from issue URLs when the export has them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const file = join(dir, "issues.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          number: 1,
          title: "SPEC",
          body: "",
          labels: [{ name: "spec" }],
          state: "OPEN",
          assignees: [],
          createdAt: "2026-11-01T00:00:00Z",
          closedAt: null,
          stateReason: "",
          url: "https://github.com/octo/widgets/issues/1",
        },
      ]),
    );
    const report = JSON.parse(await runReport([file, "--format=json", "--now", "2026-11-25T00:00:00Z"]));
    expect(report.repo).toBe("octo/widgets");
    expect(report.system.openByStatus.Ready).toBe(1);
  });

  // [case, arguments, message]
  const errors: Array<[string, string[], RegExp]> = [
    ["an unknown format", ["--format", "xml"], /--format is markdown or json, not xml/],
    ["an unknown option", ["--verbose"], /unknown option --verbose/],
    ["a bad date", ["examples/report.json", "--now", "soon"], /--now is not a date/],
    ["two files", ["a.json", "b.json"], /one FILE at most/],
    ["a missing file", ["nope.json"], /no such file nope.json/],
    ["a file that isn't an export", ["examples/batch.yml"], /is not JSON/],
    ["a bad configuration", ["examples/report.json", "--config", "examples/report.json"], /is invalid/],
    ["an option as a value", ["examples/report.json", "--repo", "--format", "json"], /--repo needs a value/],
  ];
  it.each(errors)("explains %s", async (_name, bad, message) => {
    await expect(runReport(bad)).rejects.toThrow(message);
  });

  it("explains an export of the wrong shape", async () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const file = join(dir, "issues.json");
    writeFileSync(file, JSON.stringify([{ number: 1 }]));
    await expect(runReport([file])).rejects.toThrow(/is not a `gh issue list --json` export: at 0.title: /);
  });
});

describe("batchbot report through the command line entry", () => {
  it("runs report and plan from the same entry", async () => {
    const { run } = await import("../../src/cli.js");
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: process.cwd() };
    expect(await run(["report", "examples/report.json", "--config", "examples/report-batch.yml"], io)).toBe(
      0,
    );
    expect(out.join("")).toContain("# Batch dashboard");
    expect(await run(["report", "--format", "xml"], io)).toBe(2);
    expect(err.join("")).toContain("--format is markdown or json");
  });
});
