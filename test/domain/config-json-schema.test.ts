import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/domain/config.js";
import {
  CONFIG_SCHEMA_PATH,
  configJsonSchema,
  configJsonSchemaText,
} from "../../src/domain/config-json-schema.js";

const committed = readFileSync(CONFIG_SCHEMA_PATH, "utf8");
const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(committed));

/** Every property, at any depth (objects, array items, unions), as `path: schema`. */
function properties(schema: unknown, path = ""): Array<[string, Record<string, unknown>]> {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as Record<string, unknown>;
  const found: Array<[string, Record<string, unknown>]> = [];
  for (const [key, child] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    found.push([childPath, child as Record<string, unknown>], ...properties(child, childPath));
  }
  if (s.items) found.push(...properties(s.items, `${path}[]`));
  for (const variant of [...((s.anyOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? [])])
    found.push(...properties(variant, path));
  return found;
}

describe("schema/batch.schema.json", () => {
  it("is what `npm run schema` generates from the zod schema (run it after changing src/domain/config.ts)", () => {
    expect(committed, "schema/batch.schema.json is stale: run `npm run schema` and commit it").toBe(
      configJsonSchemaText(),
    );
  });

  it("describes every key: each needs a .describe(...) in the zod schema", () => {
    const undescribed = properties(configJsonSchema())
      .filter(([, schema]) => typeof schema.description !== "string" || !schema.description)
      .map(([path]) => path);
    expect(undescribed, "add .describe(...) to these keys in src/domain/config.ts").toEqual([]);
    expect(properties(configJsonSchema()).length).toBeGreaterThan(40);
  });

  it.each([".github/batch.yml.example", "examples/batch.yml", "examples/report-batch.yml"])(
    "accepts %s, as the app does",
    (file) => {
      const config = parse(readFileSync(file, "utf8"));
      expect(parseConfig(config).ok).toBe(true);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it.each([
    ["an unknown key", { labels: { spek: "spec" } }],
    ["a batch too large", { batch: { size: { max: 51 } } }],
    ["a login with a space", { agents: [{ login: "al ice" }] }],
    ["a project without a number", { project: { owner: "acme" } }],
    ["a string for a boolean", { dashboard: { pin: "yes" } }],
  ])("rejects %s, as the app does", (_what, config) => {
    expect(parseConfig(config).ok).toBe(false);
    expect(validate(config)).toBe(false);
  });

  it("is named by the example's yaml-language-server line, which resolves", () => {
    const example = ".github/batch.yml.example";
    const line = readFileSync(example, "utf8").split("\n")[0] ?? "";
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(line);
    expect(match, line).not.toBeNull();
    expect(resolve(dirname(example), match?.[1] ?? "")).toBe(resolve(CONFIG_SCHEMA_PATH));
  });
});
