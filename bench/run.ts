import { readdirSync, writeFileSync } from "node:fs";
import type { BenchRow } from "./row.js";

/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `bench(): Promise<BenchRow[]>`), prints the
 * figures and writes them as one table to bench/results.md.
 */
const dir = new URL(".", import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
const sections: Array<{ file: string; rows: BenchRow[] }> = [];
for (const file of files) {
  const module = (await import(new URL(file, dir).href)) as { bench: () => Promise<BenchRow[]> };
  console.log(`# ${file}`);
  const rows = await module.bench();
  for (const row of rows)
    console.log(`${row.name}: ${row.value}${row.target ? ` (target ${row.target})` : ""}`);
  sections.push({ file, rows });
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const lines = [
  "# Benchmarks",
  "",
  `\`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}. Regenerate with \`npm run bench\`.`,
  "",
  "| figure | value | target | ok |",
  "| --- | --- | --- | --- |",
  ...sections.flatMap(({ rows }) =>
    rows.map(
      (r) =>
        `| ${cell(r.name)} | ${cell(String(r.value))} | ${cell(r.target ?? "")} | ${r.ok === undefined ? "" : r.ok ? "yes" : "**no**"} |`,
    ),
  ),
  "",
];
writeFileSync(new URL("results.md", dir), lines.join("\n"));
console.log(
  `bench/results.md: ${sections.reduce((n, s) => n + s.rows.length, 0)} figures from ${files.length} file(s)`,
);
const failed = sections.flatMap((s) => s.rows).filter((r) => r.ok === false);
if (failed.length) {
  console.error(`missed targets: ${failed.map((r) => r.name).join("; ")}`);
  process.exitCode = 1;
}
