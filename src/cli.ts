#!/usr/bin/env node
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CliError,
  configProblemsLine,
  fileArgument,
  formatOption,
  loadConfig,
  noSpecsProblem,
  oneLine,
  parseCommandLine,
  readUserFile,
  shownPath,
} from "./cli/args.js";
import { BATCH_USAGE, runBatch } from "./cli/batch.js";
import { exportState } from "./cli/export-state.js";
import { REPORT_USAGE, runReport } from "./cli/report.js";
import { parseAssignArgs, resolveAgents } from "./domain/assign-args.js";
import {
  messageEfficiency,
  renderEfficiency,
  renderLeftovers,
  uniqueSpecs,
} from "./domain/assignment-report.js";
import { draftBatches } from "./domain/batch-message.js";
import { DEFAULT_TEMPLATE, parseTemplate, TEMPLATE_PATH } from "./domain/batch-template.js";
import type { BatchConfig } from "./domain/config.js";
import { parseIssueList } from "./domain/gh-issue-list.js";
import type { Leftover, PlanAgent } from "./domain/planner.js";
import { planBatches, planOptions } from "./domain/planner.js";
import { dependencyStatus } from "./domain/readiness.js";
import { type RepoRef, refKey } from "./domain/references.js";
import { buildRegistry, type Registry, statusLookup } from "./domain/registry.js";
import { isSpec } from "./domain/spec.js";

export const EXAMPLE_SPECS = fileURLToPath(new URL("../examples/specs.json", import.meta.url));
export const EXAMPLE_CONFIG = fileURLToPath(new URL("../examples/batch.yml", import.meta.url));

export const PLAN_USAGE = `Usage: batchbot plan [FILE] [--agents a,b,c] [--config FILE] [--format markdown|json]
                    [--template FILE] [--size N] [--domain D] [--repo OWNER/NAME]

Plans batches offline, as /batch assign would, from FILE in the format of
  gh issue list --state all --limit 1000 --json number,title,body,labels,state,assignees > specs.json
and prints each batch message, the SPECs left over and the message saving.

  FILE             the export; without it, examples/specs.json with examples/batch.yml
  --agents LIST    logins, each optionally with domains: alice:database+ui,bob (default: the configuration's agents)
  --config FILE    a .github/batch.yml (default: .github/batch.yml when it exists)
  --template FILE  a batch template (default: .github/batch-template.md when it exists, else the framework's)
  --size N         cap every batch at N SPECs (1-50)
  --domain D       plan only SPECs labelled with domain D
  --repo OWNER/NAME  the repository the export comes from (default: local/specs)
  --format FORMAT  markdown (default) or json
  -h, --help       this help`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Standard input, for `report` without FILE; `isTTY` when it is a terminal nobody pipes into. */
  stdin?: AsyncIterable<Buffer | string> & { isTTY?: boolean };
}

interface Options {
  file: string | null;
  agents: string | null;
  config: string | null;
  template: string | null;
  format: "markdown" | "json";
  size: string[];
  domain: string[];
  repo: string;
}

function parsePlanArgs(args: readonly string[]): Options {
  const { values, positionals } = parseCommandLine(args, {
    agents: { type: "string" },
    config: { type: "string" },
    template: { type: "string" },
    format: { type: "string" },
    size: { type: "string" },
    domain: { type: "string" },
    repo: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  return {
    file: fileArgument(positionals),
    agents: values.agents ?? null,
    config: values.config ?? null,
    template: values.template ?? null,
    format: formatOption(values.format),
    size: values.size === undefined ? [] : ["--size", values.size],
    domain: values.domain === undefined ? [] : ["--domain", values.domain],
    repo: values.repo ?? "local/specs",
  };
}

function configPath(options: Options, cwd: string): string | null {
  if (options.config !== null) return resolve(cwd, options.config);
  if (options.file === null) return EXAMPLE_CONFIG;
  const local = resolve(cwd, ".github/batch.yml");
  return existsSync(local) ? local : null;
}

function loadTemplate(options: Options, cwd: string): string {
  const path = resolve(cwd, options.template ?? TEMPLATE_PATH);
  if (options.template === null && !existsSync(path)) return DEFAULT_TEMPLATE;
  const parsed = parseTemplate(readUserFile(path, "template"));
  if (!parsed.ok) throw new CliError(configProblemsLine(parsed.problems, shownPath(path, cwd)));
  return parsed.template;
}

/** `--agents alice:database+ui,bob`: logins, each with optional domains (else the configured ones). */
function agentsFrom(list: string, config: BatchConfig, domain: string | null): PlanAgent[] {
  const agents: PlanAgent[] = [];
  for (const entry of list.split(",").map((s) => s.trim())) {
    if (!entry) continue;
    const [login = "", domains] = entry.split(":");
    const parsed = parseAssignArgs([login], true);
    if (!parsed.ok) throw new CliError(parsed.problem.replace(/`/g, ""));
    const [agent] = resolveAgents({ ...parsed.args, domain }, config);
    if (agent)
      agents.push(domains ? { login: agent.login, domains: domains.split("+").filter(Boolean) } : agent);
  }
  return agents;
}

/** `batchbot plan ARGS` (without the word `plan`): the plan as text, or a CliError. */
export function planFromFile(args: readonly string[], cwd: string): string {
  const options = parsePlanArgs(args);
  const configFile = configPath(options, cwd);
  const config = loadConfig(configFile);
  const template = loadTemplate(options, cwd);
  const [owner, name] = options.repo.split("/");
  if (!owner || !name) throw new CliError("--repo is OWNER/NAME");
  const repo: RepoRef = { owner, repo: name };

  const file = options.file === null ? EXAMPLE_SPECS : resolve(cwd, options.file);
  const text = readUserFile(file, "the issues");
  const shown = shownPath(file, cwd);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${shown} is not JSON: ${oneLine((error as Error).message)}`);
  }
  const list = parseIssueList(json);
  if (!list.ok)
    throw new CliError(`${shown} is not a \`gh issue list --json\` array: at ${list.problems.join("; ")}`);

  const flags = [...options.size, ...options.domain];
  const parsedFlags = parseAssignArgs(flags, true);
  if (!parsedFlags.ok) throw new CliError(oneLine(parsedFlags.problem.replace(/`/g, "")));
  const agents =
    options.agents !== null
      ? agentsFrom(options.agents, config, parsedFlags.args.domain)
      : resolveAgents(parsedFlags.args, config);
  if (!agents.length)
    throw new CliError("no agents: pass --agents a,b,c or list agents in the configuration");

  const registry = buildRegistry(repo, list.issues, config);
  if (!registry.specs.size)
    throw new CliError(
      noSpecsProblem(shown, list.issues.length, config.labels.spec, configFile && shownPath(configFile, cwd)),
    );
  checkDomain(parsedFlags.args.domain, registry, shown);
  // Issues in the file that are no SPEC can still be dependencies; anything else is unknown offline.
  const others = new Map(
    list.issues
      .filter((i) => !isSpec(i, config))
      .map((i) => [refKey({ ...repo, number: i.number }), dependencyStatus(i)] as const),
  );
  const state = exportState(list.issues, config);
  const plan = planBatches({
    registry,
    status: statusLookup(registry, others),
    active: state.batches.filter((b) => b.state === "OPEN"),
    agents,
    options: planOptions(config.batch, { size: parsedFlags.args.size, domain: parsedFlags.args.domain }),
  });
  const drafts = draftBatches(plan, {
    config,
    registry,
    batches: state.batches,
    ...(state.knowledge ? { knowledge: state.knowledge } : {}),
    template,
    sourceCommentId: 0,
    createdAt: new Date().toISOString(),
  });
  const specs = uniqueSpecs(drafts.map((d) => d.meta));

  if (options.format === "json")
    return `${JSON.stringify(
      {
        batches: drafts.map((d) => ({
          agent: d.meta.agent,
          title: d.title,
          specs: d.meta.specs,
          fixes: d.meta.fixes,
          shared: d.meta.shared,
          message: d.message,
        })),
        leftovers: plan.leftovers.map(leftoverJson),
        messages: messageEfficiency(specs, drafts.length),
      },
      null,
      2,
    )}\n`;

  const parts = [`# Batch plan: ${drafts.length} batch${drafts.length === 1 ? "" : "es"} for ${specs} SPECs`];
  for (const d of drafts) parts.push("---", `**${d.title}**`, d.message.trimEnd());
  parts.push("---");
  parts.push(renderLeftovers(plan.leftovers, repo, parsedFlags.args.domain) ?? "Nothing left over.");
  parts.push(renderEfficiency(specs, drafts.length));
  return `${parts.join("\n\n")}\n`;
}

function leftoverJson(l: Leftover) {
  return {
    number: l.spec.number,
    title: l.spec.title,
    reason: l.reason,
    ...(l.batch ? { batch: l.batch } : {}),
    ...(l.waitingOn?.length
      ? { waitingOn: l.waitingOn.map((w) => ({ ...w, ref: `${w.ref.owner}/${w.ref.repo}#${w.ref.number}` })) }
      : {}),
    ...(l.problems?.length ? { problems: l.problems } : {}),
    ...(l.reason === "assigned" ? { assignees: l.spec.assignees } : {}),
  };
}

/** `--domain D` must name a domain some SPEC has; otherwise say which domains exist. */
function checkDomain(domain: string | null, registry: Registry, file: string): void {
  if (domain === null) return;
  const known = new Set(
    [...registry.specs.values()].flatMap((spec) => spec.domains.map((d) => d.toLowerCase())),
  );
  if (known.has(domain.toLowerCase())) return;
  const list = known.size ? [...known].sort().join(", ") : "none (no SPEC has a domain label)";
  throw new CliError(`no SPEC in ${file} has domain ${domain}; its domains: ${list}`);
}

/** `batchbot plan`, synchronously (it reads files, never standard input). */
export function main(argv: readonly string[], io: Io): number {
  const [command = "", ...args] = argv;
  if (command !== "plan") return fail(io, "batchbot", `unknown command ${command}`);
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${PLAN_USAGE}\n`);
    return 0;
  }
  try {
    io.out(planFromFile(args, io.cwd));
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return fail(io, "batchbot plan", error.message);
  }
}

/** A subcommand of the `batchbot` executable. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: readonly string[], io: Io): Promise<string>;
}

export const CLI_COMMANDS: readonly CliCommand[] = [
  {
    name: "plan",
    summary: "plans batches offline from a `gh issue list --json` export, as `/batch assign` would",
    usage: PLAN_USAGE,
    run: async (args, io) => planFromFile(args, io.cwd),
  },
  {
    name: "report",
    summary:
      "the dashboard's figures (velocity, quality gate, messages) from a `gh issue list --json` export",
    usage: REPORT_USAGE,
    run: (args, io) => runReport(args, io),
  },
  {
    name: "batch",
    summary: "a batch issue's batch data (the block agents read) from `gh issue view --json body` output",
    usage: BATCH_USAGE,
    run: (args, io) => runBatch(args, io),
  },
];

export const USAGE = [
  "Usage: batchbot <command> [options]",
  "",
  ...CLI_COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
  "",
  "batchbot <command> --help shows a command's options.",
].join("\n");

function fail(io: Io, who: string, problem: string): number {
  const help = who === "batchbot" ? "batchbot --help" : `${who} --help`;
  io.err(`${who}: ${oneLine(problem)} (${help})\n`);
  return 2;
}

/** The executable: `--help` on stdout with exit 0; bad input as one line on stderr with exit 2. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const command = CLI_COMMANDS.find((c) => c.name === args[0]);
    if (name === undefined) return fail(io, "batchbot", "no command");
    io.out(`${command?.usage ?? USAGE}\n`);
    return 0;
  }
  const command = CLI_COMMANDS.find((c) => c.name === name);
  if (!command)
    return fail(
      io,
      "batchbot",
      `unknown command ${name}; commands: ${CLI_COMMANDS.map((c) => c.name).join(", ")}`,
    );
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    const text = await command.run(args, io);
    io.out(text.endsWith("\n") ? text : `${text}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return fail(io, `batchbot ${command.name}`, error.message);
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    stdin: process.stdin,
  });
}
