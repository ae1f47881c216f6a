import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type Io, run } from "../../src/cli.js";

const exec = promisify(execFile);

async function fromSource(argv: string[]): Promise<string> {
  const out: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => out.push(t), cwd: process.cwd() };
  await run(argv, io);
  return out.join("");
}

describe("the bundled executable (scripts/bundle-cli.mjs, what `npm run build` makes dist/cli.js)", () => {
  it("prints what the source prints, for each subcommand, its examples and its errors", async () => {
    // A root laid out as the package is: the bundle in dist/, beside examples/ and node_modules/ (yaml loads from there).
    const root = mkdtempSync(join(tmpdir(), "batchbot-bundle-"));
    symlinkSync(resolve("examples"), join(root, "examples"));
    symlinkSync(resolve("node_modules"), join(root, "node_modules"));
    await exec("node", ["scripts/bundle-cli.mjs", ".", join(root, "dist")]);
    expect(readFileSync(join(root, "dist/cli.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const bundled = async (argv: string[]) => {
      const result = await exec("node", [join(root, "dist/cli.js"), ...argv]).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
      return result.stdout + result.stderr;
    };
    for (const argv of [
      ["plan", "--agents", "DATABASE-OPUS:database,ALGORITHM-OPUS,UI-OPUS"],
      ["plan", "examples/specs.json", "--agents", "a,b", "--format", "json", "--size", "4"],
      ["plan", "nope.json"],
      ["report", "examples/report.json", "--now", "2026-01-01T00:00:00Z", "--format", "json"],
      ["batch", "12", "--file", "nope.json"],
      ["--help"],
    ]) {
      const source = await fromSource(argv);
      expect(source.length, argv.join(" ")).toBeGreaterThan(40);
      expect(await bundled(argv), argv.join(" ")).toBe(source);
    }
  }, 60_000);
});
