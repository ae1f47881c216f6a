import { z } from "zod";
import { configSchema } from "./config.js";

/** Where the generated schema is committed (`npm run schema` writes it; a test fails when it is stale). */
export const CONFIG_SCHEMA_PATH = "schema/batch.schema.json";

/**
 * The JSON Schema of `.github/batch.yml`, generated from the zod schema the app validates with, so editors
 * (yaml-language-server) complete and check the same keys, types, bounds and defaults. It describes the input:
 * every key optional, defaults shown. Checks zod runs in code (min <= max, overlap <= size.max) are not in it.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", target: "draft-7" }),
    $id: "https://github.com/batchbot/batchbot/schema/batch.schema.json",
    title: "batchbot configuration (.github/batch.yml)",
    description:
      "Configuration of batchbot, the GitHub App that runs the Batch Assignment Framework. Every key is optional; a repository without the file gets the defaults.",
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
