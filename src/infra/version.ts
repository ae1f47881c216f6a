import { readFileSync } from "node:fs";

/** batchbot's version, from package.json (two levels up from both src/infra and dist/infra). */
export const VERSION: string = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
).version;
