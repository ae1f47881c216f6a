#!/usr/bin/env node
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { runReport } from "./cli/report.js";
import { parseAssignArgs, resolveAgents } from "./domain/assign-args.js";
import {
  messageEfficiency,
  renderEfficiency,
  renderLeftovers,
  uniqueSpecs,
} from "./domain/assignment-report.js";
import { draftBatches } from "./domain/batch-message.js";
import { DEFAULT_TEMPLATE, parseTemplate, TEMPLATE_PATH } from "./domain/batch-template.js";
import { type BatchConfig, formatConfigProblems, parseConfig } from "./domain/config.js";
import { parseIssueList } from "./domain/gh-issue-list.js";
import type { Leftover, PlanAgent } from "./domain/planner.js";
import { planBatches, planOptions } from "./domain/planner.js";
import { dependencyStatus } from "./domain/readiness.js";
import { type RepoRef, refKey } from "./domain/references.js";
import { buildRegistry, statusLookup } from "./domain/registry.js";
import { isSpec } from "./domain/spec.js";

export const EXAMPLE_SPECS = fileURLToPath(new URL("../examples/specs.json", import.meta.url));
export const EXAMPLE_CONFIG = fileURLToPath(new URL("../examples/batch.yml", import.meta.url));

const USAGE = `Usage: batchbot plan [FILE] --agents a,b,c [--config FILE] [--format markdown|json]
                    [--template FILE] [--size N] [--domain D] [--repo OWNER/NAME]

Plans batches offline, from FILE in the format of
  gh issue list --state all --limit 1000 --json number,title,body,labels,state,assignees
and prints each batch message as batchbot would open it, the SPECs left over and the message saving.
With no FILE it plans examples/specs.json (with examples/batch.yml unless --config is given).
--agents takes logins, each optionally with domains: alice:database+ui,bob.
--config defaults to .github/batch.yml when it exists; --template to .github/batch-template.md.

       batchbot report [FILE] [--format markdown|json] [--config FILE]   (batchbot report --help)`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

class CliError extends Error {}

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

function parseArgs(argv: readonly string[]): Options {
  const [command, ...rest] = argv;
  if (command !== "plan") throw new CliError(command ? `unknown command \`${command}\`` : "no command");
  const options: Options = {
    file: null,
    agents: null,
    config: null,
    template: null,
    format: "markdown",
    size: [],
    domain: [],
    repo: "local/specs",
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith("--")) throw new CliError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--agents") options.agents = value();
    else if (flag === "--config") options.config = value();
    else if (flag === "--template") options.template = value();
    else if (flag === "--repo") options.repo = value();
    else if (flag === "--size") options.size = ["--size", value()];
    else if (flag === "--domain") options.domain = ["--domain", value()];
    else if (flag === "--format") {
      const format = value();
      if (format !== "markdown" && format !== "json") throw new CliError("--format is markdown or json");
      options.format = format;
    } else if (flag?.startsWith("-")) throw new CliError(`unknown option ${flag}`);
    else if (options.file === null) options.file = arg;
    else throw new CliError(`unexpected argument ${arg}`);
  }
  return options;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`can't read ${what} ${path}: ${(error as Error).message}`);
  }
}

function loadConfig(options: Options, cwd: string): BatchConfig {
  const path =
    options.config !== null
      ? resolve(cwd, options.config)
      : options.file === null
        ? EXAMPLE_CONFIG
        : existsSync(resolve(cwd, ".github/batch.yml"))
          ? resolve(cwd, ".github/batch.yml")
          : null;
  let input: unknown = null;
  if (path) {
    try {
      input = parseYaml(readText(path, "configuration"));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${path} is not YAML: ${(error as Error).message}`);
    }
  }
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new CliError(formatConfigProblems(parsed.problems, path ?? undefined));
  return parsed.config;
}

function loadTemplate(options: Options, cwd: string): string {
  const path = resolve(cwd, options.template ?? TEMPLATE_PATH);
  if (options.template === null && !existsSync(path)) return DEFAULT_TEMPLATE;
  const parsed = parseTemplate(readText(path, "template"));
  if (!parsed.ok) throw new CliError(formatConfigProblems(parsed.problems, path));
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

export function planFromFile(argv: readonly string[], cwd: string): string {
  const options = parseArgs(argv);
  const config = loadConfig(options, cwd);
  const template = loadTemplate(options, cwd);
  const [owner, name] = options.repo.split("/");
  if (!owner || !name) throw new CliError("--repo is OWNER/NAME");
  const repo: RepoRef = { owner, repo: name };

  const file = options.file === null ? EXAMPLE_SPECS : resolve(cwd, options.file);
  let json: unknown;
  try {
    json = JSON.parse(readText(file, "issues"));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const list = parseIssueList(json);
  if (!list.ok)
    throw new CliError(`${file} is not a \`gh issue list --json\` array:\n${list.problems.join("\n")}`);

  const flags = [...options.size, ...options.domain];
  const parsedFlags = parseAssignArgs(flags, true);
  if (!parsedFlags.ok) throw new CliError(parsedFlags.problem.replace(/`/g, ""));
  const agents =
    options.agents !== null
      ? agentsFrom(options.agents, config, parsedFlags.args.domain)
      : resolveAgents(parsedFlags.args, config);
  if (!agents.length)
    throw new CliError("no agents: pass --agents a,b,c or list agents in the configuration");

  const registry = buildRegistry(repo, list.issues, config);
  // Issues in the file that are no SPEC can still be dependencies; anything else is unknown offline.
  const others = new Map(
    list.issues
      .filter((i) => !isSpec(i, config))
      .map((i) => [refKey({ ...repo, number: i.number }), dependencyStatus(i)] as const),
  );
  const plan = planBatches({
    registry,
    status: statusLookup(registry, others),
    active: [],
    agents,
    options: planOptions(config.batch, { size: parsedFlags.args.size, domain: parsedFlags.args.domain }),
  });
  const drafts = draftBatches(plan, {
    registry,
    batches: [],
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

export function main(argv: readonly string[], io: Io): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    io.out(planFromFile(argv, io.cwd));
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`batchbot: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
}

/** Every subcommand: `report` is asynchronous (it may read standard input), `plan` is not. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] !== "report") return main(argv, io);
  try {
    io.out(`${await runReport(argv.slice(1))}\n`);
    return 0;
  } catch (error) {
    io.err(`batchbot: ${(error as Error).message}\n`);
    return 2;
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
  });
}
