import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../cli.js";
import { draftBatches } from "../domain/batch-message.js";
import type { BatchConfig } from "../domain/config.js";
import { planBatches, planOptions } from "../domain/planner.js";
import type { StatusLookup } from "../domain/readiness.js";
import type { Registry } from "../domain/registry.js";
import type { IssueRecord } from "../domain/spec.js";
import { CliError, fail, loadConfig, shownPath } from "./args.js";
import { exportState } from "./export-state.js";
import { exportRegistry, readIssueExport, repoOption } from "./plan-input.js";
import { configPath, loadTemplate, type PlanScope, parsePlanArgs, planScope } from "./plan-options.js";
import { renderPlan } from "./plan-output.js";
import { PLAN_USAGE } from "./usage.js";

export const EXAMPLE_SPECS = fileURLToPath(new URL("../../examples/specs.json", import.meta.url));
export const EXAMPLE_CONFIG = fileURLToPath(new URL("../../examples/batch.yml", import.meta.url));

/**
 * `batchbot plan ARGS` (without the word `plan`): the plan as text, or a CliError. The steps of `/batch assign`
 * offline: read the configuration and the export, build the registry, plan, draft the messages, print them.
 */
export function planFromFile(args: readonly string[], cwd: string): string {
  const options = parsePlanArgs(args);
  const configFile = configPath(options, cwd, EXAMPLE_CONFIG);
  const config = loadConfig(configFile);
  const template = loadTemplate(options, cwd);
  const repo = repoOption(options.repo);
  const file = options.file === null ? EXAMPLE_SPECS : resolve(cwd, options.file);
  const shown = shownPath(file, cwd);
  const issues = readIssueExport(file, shown);
  const scope = planScope(options, config);
  const configShown = configFile && shownPath(configFile, cwd);
  const { registry, status } = exportRegistry(issues, { repo, config, shown, configShown }, scope.domain);
  const { plan, drafts } = planAndDraft({ config, template, issues, registry, status, scope });
  return renderPlan(options.format, plan, drafts, repo, scope.domain);
}

interface PlanContext {
  config: BatchConfig;
  template: string;
  issues: readonly IssueRecord[];
  registry: Registry;
  status: StatusLookup;
  scope: PlanScope;
}

/** The plan, and each batch's message as `/batch assign` would open it (the export's batch issues count). */
function planAndDraft({ config, template, issues, registry, status, scope }: PlanContext) {
  const state = exportState(issues, config);
  const plan = planBatches({
    registry,
    status,
    active: state.batches.filter((b) => b.state === "OPEN"),
    agents: scope.agents,
    options: planOptions(config.batch, { size: scope.size, domain: scope.domain }),
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
  return { plan, drafts };
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
