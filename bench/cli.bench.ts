import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./row.js";
import { BENCH_DOMAINS as DOMAINS, syntheticAgents, workedOnIssues } from "./synthetic-specs.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const TARGET_MS = 300;

/** The issues as `gh issue list --json number,title,body,labels,state,assignees` prints them. */
function ghExport(specs: number): string {
  const issues = workedOnIssues(specs);
  return JSON.stringify(
    issues.map((i) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      labels: i.labels.map((name) => ({ name })),
      state: i.state,
      assignees: [],
    })),
  );
}

/** Wall time of `node ARGS` in a child process, best and median of `runs`. */
function wall(args: readonly string[], runs: number): { best: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    times.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`node ${args.slice(0, 2).join(" ")} failed: ${run.stderr}`);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]! };
}

/**
 * `batchbot plan` end to end through the built CLI (`dist/cli.js`, as `npx batchbot plan` runs it) on a
 * `gh issue list` export, less Node's own start-up (`node -e 0`) measured the same way.
 */
export async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "batchbot-cli-bench-"));
  try {
    const agents = syntheticAgents(200, DOMAINS)
      .map((a) => (a.domains.length ? `${a.login}:${a.domains.join("+")}` : a.login))
      .join(",");
    const baseline = wall(["-e", "0"], 11);
    const cost = (specs: number, runs: number) => {
      const file = join(dir, `issues-${specs}.json`);
      writeFileSync(file, ghExport(specs));
      const t = wall([CLI, "plan", file, "--agents", agents, "--repo", "bench/specs"], runs);
      return { best: t.best - baseline.best, median: t.median - baseline.median };
    };
    const sizes = [1_000, 2_000, 5_000, 10_000] as const;
    const costs = sizes.map((specs) => ({ specs, ...cost(specs, 7) }));
    const small = costs[0]!;
    const big = costs[costs.length - 1]!;
    const growth = big.best / Math.max(small.best, 1);
    const each = costs.map((c) => `${c.specs.toLocaleString("en")}: ${c.median.toFixed(0)}`).join(", ");
    return [
      {
        name: "`batchbot plan` end to end: 10,000-SPEC `gh issue list` export, 200 agents, less `node -e 0`",
        value: `${big.median.toFixed(0)} ms median of 7 (best ${big.best.toFixed(0)} ms; node -e 0: ${baseline.median.toFixed(0)} ms)`,
        target: `< ${TARGET_MS} ms`,
        ok: big.median < TARGET_MS,
      },
      {
        name: "`batchbot plan` end to end: growth from 1,000 to 10,000 SPECs",
        value: `×${growth.toFixed(1)} best to best (medians less node -e 0, ms: ${each})`,
        target: "near-linear (under ×15: module loading is a fixed cost)",
        ok: growth < 15,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
