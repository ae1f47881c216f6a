import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI_COMMANDS, type Io, run } from "../../src/cli.js";

async function cli(argv: string[], stdin?: Io["stdin"]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd(), stdin };
  const code = await run(argv, io);
  return { code, out: out.join(""), err: err.join("") };
}

function piped(text: string): Io["stdin"] {
  return Object.assign(Readable.from([Buffer.from(text)]), { isTTY: false });
}
const terminal: Io["stdin"] = Object.assign(Readable.from([]), { isTTY: true });

describe("the batchbot executable", () => {
  it.each([
    [["--help"], "Usage: batchbot <command>"],
    [["-h"], "Usage: batchbot <command>"],
    [["help"], "Usage: batchbot <command>"],
    [["help", "report"], "Usage: batchbot report"],
    [["plan", "--help"], "Usage: batchbot plan"],
    [["plan", "--agents", "a", "-h"], "Usage: batchbot plan"],
    [["report", "--help"], "Usage: batchbot report"],
  ])("%j prints help on stdout and exits 0", async (argv, usage) => {
    const { code, out, err } = await cli(argv);
    expect([code, err]).toEqual([0, ""]);
    expect(out.startsWith(usage)).toBe(true);
  });

  it("lists every command in its help", async () => {
    const { out } = await cli(["--help"]);
    for (const command of CLI_COMMANDS) expect(out).toContain(`  ${command.name} `);
  });

  it.each([
    [[], "batchbot: no command (batchbot --help)"],
    [["deploy"], "batchbot: unknown command deploy; commands: plan, report, batch"],
    [["report", "--repo", "--format", "json"], "batchbot report: --repo needs a value"],
    [["report", "--verbose"], "batchbot report: unknown option --verbose"],
    [["report", "nope.json"], "batchbot report: no such file nope.json"],
    [["report", "a.json", "b.json"], "batchbot report: one FILE at most"],
    [["report", "examples/report.json", "--now", "soon"], "batchbot report: --now is not a date"],
    [["plan", "nope.json"], "batchbot plan: no such file nope.json"],
  ])("%j: one line on stderr, exit 2", async (argv, message) => {
    const { code, out, err } = await cli(argv, piped("[]"));
    expect([code, out]).toEqual([2, ""]);
    expect(err.startsWith(message)).toBe(true);
    expect(err.endsWith("\n") && !err.slice(0, -1).includes("\n")).toBe(true);
  });

  it("report without FILE on a terminal says how to pipe an export instead of waiting", async () => {
    const { code, err } = await cli(["report"], terminal);
    expect(code).toBe(2);
    expect(err).toContain(
      "nothing is piped in: gh issue list --state all --limit 10000 --json number,title,",
    );
    expect(err).toContain("| batchbot report");
  });

  it("report reads an export piped into it", async () => {
    const { code, out } = await cli(
      ["report", "--config", "examples/report-batch.yml", "--format", "json"],
      piped(readFileSync("examples/report.json", "utf8")),
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).system.messages.total).toBe(8);
  });

  it("report on an export without SPECs says which label it looked for", async () => {
    const issue = { number: 1, title: "x", body: "", labels: [], state: "OPEN", assignees: [] };
    const { code, err } = await cli(["report", "-"], piped(JSON.stringify([issue])));
    expect(code).toBe(2);
    expect(err).toContain("no SPECs in standard input: none of its 1 issue is labelled `spec`");
  });
});

describe("the built bin", () => {
  it("src/cli.ts keeps its #! line, and the build makes every bin executable", async () => {
    expect(readFileSync("src/cli.ts", "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pkg.bin).toEqual({ batchbot: "dist/cli.js" });
    expect(pkg.scripts.build).toMatch(
      /^tsc -p tsconfig\.build\.json && node scripts\/bundle-cli\.mjs && node scripts\/bin-executable\.mjs$/,
    );

    const root = mkdtempSync(join(tmpdir(), "bin-"));
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ bin: pkg.bin }));
    writeFileSync(join(root, "dist/cli.js"), "#!/usr/bin/env node\nconsole.log('ok');\n", { mode: 0o644 });
    await promisify(execFile)("node", ["scripts/bin-executable.mjs", root]);
    expect(statSync(join(root, "dist/cli.js")).mode & 0o111).toBe(0o111);
    const { stdout } = await promisify(execFile)(join(root, "dist/cli.js"));
    expect(stdout).toBe("ok\n");
  });
});
