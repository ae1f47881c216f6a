#!/usr/bin/env node
// After `tsc`: `dist/cli.js` (the `batchbot` command) as one bundle, its subcommands in chunks it imports when given
// (dist/cli-chunks/). Node loads ~140 modules for `batchbot plan` from tsc's output (zod alone is 95, 64 of them
// locales every zod entry point re-exports): a fixed ~40 ms of every run on a 2-core machine. The bundle is a few
// files, so the executable starts that much sooner; `dist/cli/*.js` (tsc's) stay for anyone importing them.
// Usage: node scripts/bundle-cli.mjs [ROOT] [OUTDIR]
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(process.argv[2] ?? ".");
const outdir = resolve(root, process.argv[3] ?? "dist");
// Chunk names carry a content hash: drop the last build's.
rmSync(join(outdir, "cli-chunks"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: join(root, "src/cli.ts") },
  outdir,
  // Chunks sit two folders below the root, as src/cli/*.ts do: `new URL("../../examples/...", import.meta.url)` holds.
  chunkNames: "cli-chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
