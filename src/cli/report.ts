import { resolve } from "node:path";
import type { Io } from "../cli.js";
import { renderDashboard } from "../domain/dashboard.js";
import { parseIssueList } from "../domain/gh-issue-list.js";
import { computeMetrics } from "../domain/progress-metrics.js";
import type { RepoRef } from "../domain/references.js";
import { buildRegistry } from "../domain/registry.js";
import {
  CliError,
  fileArgument,
  formatOption,
  loadConfig,
  noSpecsProblem,
  oneLine,
  parseCommandLine,
  readUserFile,
  shownPath,
} from "./args.js";
import { exportState } from "./export-state.js";
import { REPORT_EXPORT_COMMAND } from "./usage.js";

interface ReportOptions {
  file: string | null;
  format: "markdown" | "json";
  repo: string | null;
  config: string | null;
  now: Date;
}

function parseReportArgs(args: readonly string[]): ReportOptions {
  const { values, positionals } = parseCommandLine(args, {
    format: { type: "string" },
    repo: { type: "string" },
    config: { type: "string" },
    now: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new CliError(`--now is not a date: ${values.now}`);
  return {
    file: fileArgument(positionals),
    format: formatOption(values.format),
    repo: values.repo ?? null,
    config: values.config ?? null,
    now,
  };
}

type Input = NonNullable<Io["stdin"]>;

async function readInput(file: string | null, cwd: string, stdin: Input | undefined): Promise<string> {
  if (file !== null && file !== "-") return readUserFile(resolve(cwd, file), "the export");
  if (!stdin || stdin.isTTY)
    throw new CliError(`no FILE, and nothing is piped in: ${REPORT_EXPORT_COMMAND} | batchbot report`);
  const chunks: string[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
  return chunks.join("");
}

/** `--repo`, else the repository of the export's issue URLs (`gh issue list --json ...,url`). */
function repoOf(option: string | null, exported: unknown): RepoRef {
  const urls = Array.isArray(exported)
    ? exported.map((i) => String((i as { url?: unknown })?.url ?? ""))
    : [];
  const fromUrl = urls.map((url) => /github\.[^/]+\/([^/]+)\/([^/]+)\/issues\//.exec(url)).find(Boolean);
  const [owner, repo] = option ? option.split("/") : fromUrl ? [fromUrl[1], fromUrl[2]] : ["local", "export"];
  if (!owner || !repo) throw new CliError(`--repo is OWNER/NAME, not ${option}`);
  return { owner, repo };
}

/** Fractions to 4 decimals, so the JSON is the same on every machine. */
function rounded(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value) ? Math.round(value * 10_000) / 10_000 : value;
}

/** `batchbot report ARGS`: the dashboard's figures for a `gh issue list --json` export, as markdown or JSON. */
export async function runReport(
  args: readonly string[],
  io: Partial<Pick<Io, "cwd" | "stdin">> = {},
): Promise<string> {
  const options = parseReportArgs(args);
  const cwd = io.cwd ?? process.cwd();
  const configFile = options.config === null ? null : resolve(cwd, options.config);
  const config = loadConfig(configFile);
  const source = options.file === null || options.file === "-" ? "standard input" : options.file;
  const text = await readInput(options.file, cwd, "stdin" in io ? io.stdin : process.stdin);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${source} is not JSON: ${oneLine((error as Error).message)}`);
  }
  const result = parseIssueList(parsed);
  if (!result.ok)
    throw new CliError(`${source} is not a \`gh issue list --json\` export: at ${result.problems[0]}`);
  const { issues } = result;
  const repo = repoOf(options.repo, parsed);
  const { batches } = exportState(issues, config);
  const specs = [...buildRegistry(repo, issues, config).specs.values()];
  if (!specs.length)
    throw new CliError(
      noSpecsProblem(source, issues.length, config.labels.spec, configFile && shownPath(configFile, cwd)),
    );
  const metrics = computeMetrics({ specs, batches, config, now: options.now });
  if (options.format === "json")
    return JSON.stringify(
      { repo: `${repo.owner}/${repo.repo}`, now: options.now.toISOString(), ...metrics },
      rounded,
      2,
    );
  return `${renderDashboard(metrics, { repo, board: null, source: "export" })}\n`;
}
