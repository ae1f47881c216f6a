import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow } from "./row.js";

/** Runs every `bench/*.bench.ts`, prints one table and writes it to `bench/results.md`. */
const here = dirname(fileURLToPath(import.meta.url));
const modules = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
const rows: BenchRow[] = [];
for (const file of modules) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { bench(): Promise<BenchRow[]> };
  const produced = await module.bench();
  for (const row of produced)
    console.log(
      `${row.ok === false ? "✗" : "✓"} ${row.name}: ${row.value}${row.target ? ` (target ${row.target})` : ""}`,
    );
  rows.push(...produced);
}
const cpu = (await import("node:os")).cpus();
const table = [
  "# Benchmark results",
  "",
  `Measured by \`npm run bench\` on Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}.`,
  "",
  "| Measure | Result | Target | Met |",
  "| --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.value} | ${r.target ?? ""} | ${r.ok === undefined ? "" : r.ok ? "yes" : "**no**"} |`,
  ),
  "",
].join("\n");
writeFileSync(join(here, "results.md"), table);
console.log(`\nwrote bench/results.md (${rows.length} rows)`);
if (rows.some((r) => r.ok === false)) process.exitCode = 1;
