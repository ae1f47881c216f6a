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

/**
 * The largest batch: a batch issue holds its SPECs as sub-issues and GitHub allows a parent at most 100, and a
 * batch message of more than 50 SPECs is no longer one agent's batch. `--size` has the same cap.
 */
export const MAX_BATCH_SIZE = 50;
/** GitHub's cap on one parent issue's sub-issues. */
export const MAX_SUB_ISSUES = 100;
/** GraphQL `Int`: the largest project number GitHub can hold. */
const MAX_GRAPHQL_INT = 2_147_483_647;

const bounded = (max: number, why: string) => z.number().int().min(0).max(max, `at most ${max} (${why})`);
const sizeBound = bounded(
  MAX_BATCH_SIZE,
  `batchbot's cap on a batch; GitHub holds at most ${MAX_SUB_ISSUES} sub-issues per parent`,
);
const range = (min: number, max: number, what: string) =>
  z
    .strictObject({
      min: sizeBound.default(min).describe(`Fewest ${what} a batch aims for (0 to ${MAX_BATCH_SIZE}).`),
      max: sizeBound.min(1).default(max).describe(`Most ${what} in one batch (1 to ${MAX_BATCH_SIZE}).`),
    })
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
      size: range(8, 10, "SPECs"),
      "priority-fixes": range(3, 4, "priority fixes (partial SPECs)"),
      "new-work": range(5, 6, "new SPECs"),
      overlap: bounded(
        10,
        "batchbot's cap on SPECs shared between batches; it may not exceed `size.max` either",
      )
        .default(0)
        .describe(
          "SPECs a batch may share with other batches of the same plan (0 to 10, and at most `size.max`).",
        ),
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
    .refine((b) => b.overlap <= b.size.max, {
      message: "overlap must not exceed size.max (a batch can't share more SPECs than it holds)",
      path: ["overlap"],
    })
    .prefault({}),
  agents: z
    .array(z.strictObject({ login, domains: z.array(z.string().min(1)).default([]), driver: driverSchema }))
    .default([]),
  commanders: z.array(principal).default([]),
  bots: z
    .array(login)
    .default([])
    .describe(
      "Bot accounts (apps' `name[bot]` logins, machine users of type Bot) whose `/batch` commands batchbot takes; commands from any other non-User account are refused, whatever its permission.",
    ),
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
  message: z
    .strictObject({
      "criteria-headings": z
        .array(z.string().trim().min(1).max(100))
        .min(1)
        .max(20)
        .default(["Acceptance criteria", "Success criteria", "Definition of done"])
        .describe(
          "Section headings (any level, case-insensitive) whose list items a batch message quotes as a SPEC's success criteria; the first such section of the SPEC counts.",
        ),
    })
    .prefault({})
    .describe("What a batch message quotes from each SPEC."),
  project: z
    .union([
      z.strictObject({
        owner: z.string().min(1),
        number: z.number().int().positive().max(MAX_GRAPHQL_INT, `at most ${MAX_GRAPHQL_INT} (GraphQL Int)`),
      }),
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
