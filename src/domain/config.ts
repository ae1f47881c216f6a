import { z } from "zod";
import { driverSchema } from "./agent-driver.js";

const login = z
  .string()
  .regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/, "a GitHub login such as alice")
  .transform((s) => s.replace(/^@/, ""));
const principal = z
  .string()
  .regex(
    /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?(?:\/[A-Za-z0-9._-]+)?$/,
    "a GitHub login (alice) or an organisation team (@acme/qa)",
  )
  .transform((s) => s.replace(/^@/, ""));
const labelName = z.string().min(1).max(50);
const range = (min: number, max: number) =>
  z
    .strictObject({ min: z.number().int().min(0).default(min), max: z.number().int().min(1).default(max) })
    .refine((r) => r.min <= r.max, { message: "min must not exceed max" })
    .prefault({});

export const configSchema = z.strictObject({
  labels: z
    .strictObject({
      spec: labelName.default("spec"),
      partial: labelName.default("partial"),
      blocked: labelName.default("blocked"),
      ready: labelName.default("ready"),
      batch: labelName.default("batch"),
      "in-review": labelName.default("in-review"),
      "changes-requested": labelName.default("changes-requested"),
      validated: labelName.default("validated"),
      "found-existing": labelName.default("found-existing"),
      knowledge: labelName.default("knowledge"),
      dashboard: labelName.default("batch-dashboard"),
      "domain-prefix": z.string().min(1).default("domain:"),
      "priority-prefix": z.string().min(1).default("priority:"),
    })
    .prefault({}),
  batch: z
    .strictObject({
      size: range(8, 10),
      "priority-fixes": range(3, 4),
      "new-work": range(5, 6),
      overlap: z.number().int().min(0).max(10).default(0),
      "pull-ahead": z.boolean().default(false),
      "auto-next": z.boolean().default(false),
      "max-driven-per-day": z
        .number()
        .int()
        .min(0)
        .max(1000)
        .default(10)
        .describe("At most this many batches a day per agent get a driver's start signal (0: none)"),
    })
    .prefault({}),
  agents: z
    .array(z.strictObject({ login, domains: z.array(z.string().min(1)).default([]), driver: driverSchema }))
    .default([]),
  commanders: z.array(principal).default([]),
  validation: z
    .strictObject({
      b1: z.array(principal).default([]),
      b2: z.array(principal).default([]),
      "dismiss-stale": z.boolean().default(true),
      "e2e-check": z.string().min(1).nullable().default(null),
      distinct: z.boolean().default(true),
    })
    .nullable()
    .default(null),
  project: z
    .union([
      z.strictObject({ owner: z.string().min(1), number: z.number().int().positive() }),
      z.strictObject({
        url: z
          .string()
          .regex(
            /^https?:\/\/[^/]+\/(?:orgs|users)\/[^/]+\/projects\/\d+\/?$/,
            "a project URL such as https://github.com/orgs/acme/projects/3",
          ),
      }),
    ])
    .nullable()
    .default(null),
  dashboard: z
    .strictObject({ enabled: z.boolean().default(true), pin: z.boolean().default(true) })
    .prefault({}),
});

export type BatchConfig = z.output<typeof configSchema>;

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: BatchConfig } | { ok: false; problems: ConfigProblem[] };

export function yamlPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(top level)";
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // YAML aliases can make a value contain itself (`agents: &a [*a]`).
    return Array.isArray(value)
      ? "a list that contains itself"
      : typeof value === "object"
        ? "a map that contains itself"
        : String(value);
  }
  return json && json.length > 60 ? `${json.slice(0, 57)}...` : (json ?? String(value));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Validates a parsed `.github/batch.yml`; `null` (no file) gives the defaults. */
export function parseConfig(input: unknown): ConfigResult {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.map((issue): ConfigProblem => {
    if (issue.code === "unrecognized_keys") {
      const parentShape = allowedKeysAt(issue.path);
      return {
        path: yamlPath(issue.path),
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${parentShape ? `; allowed: ${parentShape.join(", ")}` : ""}`,
      };
    }
    return {
      path: yamlPath(issue.path),
      message: `${issue.message} (got ${describe(valueAt(input, issue.path))})`,
    };
  });
  return { ok: false, problems };
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] | null {
  let schema: z.ZodType = configSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (typeof key === "number" && schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject) {
      const next = (schema.shape as Record<string, z.ZodType>)[String(key)];
      if (!next) return null;
      schema = next;
    } else return null;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : null;
}

/** The schema inside defaults, prefaults, nullables, optionals and pipes. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const inner = def.innerType ?? (current instanceof z.ZodPipe ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
}

export function defaultConfig(): BatchConfig {
  const result = parseConfig({});
  if (!result.ok) throw new Error("default configuration is invalid");
  return result.config;
}

export function formatConfigProblems(problems: readonly ConfigProblem[], file = ".github/batch.yml"): string {
  return [
    `\`${file}\` is invalid, so batchbot changes nothing until it is fixed:`,
    "",
    ...problems.map((p) => `- \`${p.path}\`: ${p.message}`),
  ].join("\n");
}
