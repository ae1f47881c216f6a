#!/usr/bin/env node
// After `tsc`: make every `bin` of package.json executable (tsc keeps the shebang but not the mode), so the
// installed `batchbot` command and `./dist/cli.js` run directly. Usage: node scripts/bin-executable.mjs [ROOT]
import { chmodSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const { bin = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
for (const file of typeof bin === "string" ? [bin] : Object.values(bin)) {
  const path = join(root, file);
  if (!readFileSync(path, "utf8").startsWith("#!")) throw new Error(`${file} has no #! line`);
  chmodSync(path, statSync(path).mode | 0o111);
}
