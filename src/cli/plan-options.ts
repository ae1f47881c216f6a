import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseAssignArgs, resolveAgents } from "../domain/assign-args.js";
import { DEFAULT_TEMPLATE, parseTemplate, TEMPLATE_PATH } from "../domain/batch-template.js";
import type { BatchConfig } from "../domain/config.js";
import type { PlanAgent } from "../domain/planner.js";
import {
  CliError,
  configProblemsLine,
  fileArgument,
  formatOption,
  oneLine,
  parseCommandLine,
  readUserFile,
  shownPath,
} from "./args.js";

/** `batchbot plan`'s command line. */
export interface PlanOptions {
  file: string | null;
  agents: string | null;
  config: string | null;
  template: string | null;
  format: "markdown" | "json";
  size: string[];
  domain: string[];
  repo: string;
}

export function parsePlanArgs(args: readonly string[]): PlanOptions {
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

/** `--config`, else the example's configuration for the example, else `.github/batch.yml` when it exists. */
export function configPath(options: PlanOptions, cwd: string, exampleConfig: string): string | null {
  if (options.config !== null) return resolve(cwd, options.config);
  if (options.file === null) return exampleConfig;
  const local = resolve(cwd, ".github/batch.yml");
  return existsSync(local) ? local : null;
}

/** `--template`, else `.github/batch-template.md` when it exists, else the framework's template. */
export function loadTemplate(options: PlanOptions, cwd: string): string {
  const path = resolve(cwd, options.template ?? TEMPLATE_PATH);
  if (options.template === null && !existsSync(path)) return DEFAULT_TEMPLATE;
  const parsed = parseTemplate(readUserFile(path, "template"));
  if (!parsed.ok) throw new CliError(configProblemsLine(parsed.problems, shownPath(path, cwd)));
  return parsed.template;
}

/** Who is planned for, and within what: `--agents` (else the configuration's), `--size`, `--domain`. */
export interface PlanScope {
  agents: PlanAgent[];
  size: number | null;
  domain: string | null;
}

export function planScope(options: PlanOptions, config: BatchConfig): PlanScope {
  const parsed = parseAssignArgs([...options.size, ...options.domain], true);
  if (!parsed.ok) throw new CliError(oneLine(parsed.problem.replace(/`/g, "")));
  const { size, domain } = parsed.args;
  const agents =
    options.agents !== null ? agentsFrom(options.agents, config, domain) : resolveAgents(parsed.args, config);
  if (!agents.length)
    throw new CliError("no agents: pass --agents a,b,c or list agents in the configuration");
  return { agents, size, domain };
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
