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
const range = (min: number, max: number, what: string, description: string) =>
  z
    .strictObject({
      min: sizeBound.default(min).describe(`Fewest ${what} a batch aims for (0 to ${MAX_BATCH_SIZE}).`),
      max: sizeBound.min(1).default(max).describe(`Most ${what} in one batch (1 to ${MAX_BATCH_SIZE}).`),
    })
    .refine((r) => r.min <= r.max, { message: "min must not exceed max" })
    .prefault({})
    .describe(description);

export const configSchema = z.strictObject({
  labels: z
    .strictObject({
      spec: labelName.default("spec").describe("Label that makes an issue a SPEC."),
      partial: labelName
        .default("partial")
        .describe("A partly done SPEC: planned first, as a priority fix, with its `## Remaining` section."),
      blocked: labelName
        .default("blocked")
        .describe("Set on open SPECs with an open, unreadable or not-planned dependency."),
      ready: labelName
        .default("ready")
        .describe("Set on open SPECs whose dependencies are all closed as completed."),
      batch: labelName.default("batch").describe("The batch issues that /batch assign and /batch next open."),
      "in-review": labelName
        .default("in-review")
        .describe("Set on a SPEC while a pull request closing it is open and not a draft."),
      "changes-requested": labelName
        .default("changes-requested")
        .describe("Set on a SPEC when a validator asked for changes and nothing validated it since."),
      validated: labelName.default("validated").describe("Set on a SPEC once B1 and B2 approved it."),
      "found-existing": labelName
        .default("found-existing")
        .describe("Set on a SPEC satisfied by existing code (/batch found-existing)."),
      knowledge: labelName.default("knowledge").describe("The knowledge registry issue (/batch discovery)."),
      dashboard: labelName.default("batch-dashboard").describe("The dashboard issue."),
      "domain-prefix": z
        .string()
        .min(1)
        .default("domain:")
        .describe(
          "Labels starting with this give a SPEC's domain: `domain:database` is the domain database.",
        ),
      "priority-prefix": z
        .string()
        .min(1)
        .default("priority:")
        .describe("Labels starting with this give a SPEC's priority: critical, high, medium or low."),
    })
    .prefault({})
    .describe("Names of the labels batchbot reads and writes."),
  batch: z
    .strictObject({
      size: range(8, 10, "SPECs", "SPECs per batch."),
      "priority-fixes": range(
        3,
        4,
        "priority fixes (partial SPECs)",
        "Priority fixes per batch: SPECs labelled partial, listed first.",
      ),
      "new-work": range(5, 6, "new SPECs", "New implementations per batch."),
      overlap: bounded(
        10,
        "batchbot's cap on SPECs shared between batches; it may not exceed `size.max` either",
      )
        .default(0)
        .describe(
          "SPECs a batch may share with other batches of the same plan (0 to 10, and at most `size.max`).",
        ),
      "pull-ahead": z
        .boolean()
        .default(false)
        .describe("Allow /batch next while the agent still has an open batch."),
      "auto-next": z
        .boolean()
        .default(false)
        .describe("Open the agent's next batch as soon as one completes."),
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
    .prefault({})
    .describe("The shape of every batch (the framework's defaults)."),
  agents: z
    .array(
      z
        .strictObject({
          login: login.describe("The agent's GitHub login."),
          domains: z
            .array(z.string().min(1))
            .default([])
            .describe(
              "Domains the agent takes, exclusively: SPECs of these domains and SPECs without a domain. Empty: any SPEC.",
            ),
          driver: driverSchema,
        })
        .describe("An agent: its login, the domains it takes, how its runs start."),
    )
    .default([])
    .describe("The agents /batch assign plans for when none are named."),
  commanders: z
    .array(principal)
    .default([])
    .describe(
      "Users and @org/teams who may plan (/batch assign, /batch next), besides write, maintain and admin.",
    ),
  bots: z
    .array(login)
    .default([])
    .describe(
      "Bot accounts (apps' `name[bot]` logins, machine users of type Bot) whose `/batch` commands batchbot takes; commands from any other non-User account are refused, whatever its permission.",
    ),
  validation: z
    .strictObject({
      b1: z
        .array(principal)
        .default([])
        .describe("Users and @org/teams who validate as B1; empty: any collaborator with write access."),
      b2: z
        .array(principal)
        .default([])
        .describe("Users and @org/teams who validate as B2; empty: any collaborator with write access."),
      "dismiss-stale": z
        .boolean()
        .default(true)
        .describe("A push voids approvals of older commits, unless the new head has the same tree."),
      "e2e-check": z
        .string()
        .min(1)
        .nullable()
        .default(null)
        .describe("A check run or commit status that must succeed on the pull request's head; null: none."),
      distinct: z.boolean().default(true).describe("One person can't fill both B1 and B2."),
    })
    .nullable()
    .default(null)
    .describe(
      "The B1/B2 quality gate's validators. null: any collaborator with write access validates, B1 and B2 two different people.",
    ),
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
      z
        .strictObject({
          owner: z.string().min(1).describe("The organisation that owns the project."),
          number: z
            .number()
            .int()
            .positive()
            .max(MAX_GRAPHQL_INT, `at most ${MAX_GRAPHQL_INT} (GraphQL Int)`)
            .describe("The project's number, from its address."),
        })
        .describe("A project by owner and number."),
      z
        .strictObject({
          url: z
            .string()
            .regex(
              /^https?:\/\/[^/]+\/(?:orgs|users)\/[^/]+\/projects\/\d+\/?$/,
              "a project URL such as https://github.com/orgs/acme/projects/3",
            )
            .describe("The project's address."),
        })
        .describe("A project by its address."),
    ])
    .nullable()
    .default(null)
    .describe("The Projects (v2) board batchbot keeps in sync; null: none."),
  dashboard: z
    .strictObject({
      enabled: z.boolean().default(true).describe("Keep a dashboard issue."),
      pin: z.boolean().default(true).describe("Pin the dashboard issue when batchbot opens it."),
    })
    .prefault({})
    .describe("The dashboard issue: one per repository, opened with the first batch."),
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
