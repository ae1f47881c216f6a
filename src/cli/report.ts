import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { type BatchIssue, decodeBatchMeta } from "../domain/batch.js";
import { type BatchConfig, formatConfigProblems, parseConfig } from "../domain/config.js";
import { renderDashboard } from "../domain/dashboard.js";
import { parseIssueList } from "../domain/gh-issue-list.js";
import { computeMetrics } from "../domain/progress-metrics.js";
import type { RepoRef } from "../domain/references.js";
import { buildRegistry } from "../domain/registry.js";

export const REPORT_USAGE = `Usage: batchbot report [FILE] [--format markdown|json] [--repo OWNER/NAME] [--config FILE] [--now ISO-DATE]

Prints the dashboard's metrics for an offline export of a repository's issues, SPECs and batch issues alike:
  gh issue list --state all --limit 10000 --json number,title,body,labels,state,assignees,createdAt,closedAt,stateReason > issues.json
FILE defaults to standard input. --config reads label names and agents from a .github/batch.yml.`;

interface ReportOptions {
  file: string | null;
  format: "markdown" | "json";
  repo: string | null;
  config: string | null;
  now: Date;
}

function parseArgs(args: readonly string[]): ReportOptions {
  const options: ReportOptions = {
    file: null,
    format: "markdown",
    repo: null,
    config: null,
    now: new Date(),
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") ? (arg.split(/=(.*)/s) as [string, string?]) : [arg];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.\n\n${REPORT_USAGE}`);
      return v;
    };
    if (flag === "--format") {
      const format = value();
      if (format !== "markdown" && format !== "json")
        throw new Error(`--format is markdown or json, not ${format}.\n\n${REPORT_USAGE}`);
      options.format = format;
    } else if (flag === "--repo") options.repo = value();
    else if (flag === "--config") options.config = value();
    else if (flag === "--now") {
      const now = new Date(value());
      if (Number.isNaN(now.getTime())) throw new Error(`--now is not a date.\n\n${REPORT_USAGE}`);
      options.now = now;
    } else if (flag === "--help" || flag === "-h") throw new Error(REPORT_USAGE);
    else if (flag.startsWith("-")) throw new Error(`Unknown option ${flag}.\n\n${REPORT_USAGE}`);
    else if (options.file === null) options.file = flag;
    else throw new Error(`Only one FILE, please.\n\n${REPORT_USAGE}`);
  }
  return options;
}

async function readInput(file: string | null): Promise<string> {
  if (file !== null && file !== "-") return readFile(file, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function loadConfig(path: string | null): Promise<BatchConfig> {
  const result = parseConfig(path ? parseYaml(await readFile(path, "utf8")) : null);
  if (!result.ok) throw new Error(formatConfigProblems(result.problems, path ?? undefined));
  return result.config;
}

/** `--repo`, else the repository of the export's issue URLs (`gh issue list --json ...,url`). */
function repoOf(option: string | null, exported: unknown): RepoRef {
  const urls = Array.isArray(exported)
    ? exported.map((i) => String((i as { url?: unknown })?.url ?? ""))
    : [];
  const fromUrl = urls.map((url) => /github\.[^/]+\/([^/]+)\/([^/]+)\/issues\//.exec(url)).find(Boolean);
  const [owner, repo] = option ? option.split("/") : fromUrl ? [fromUrl[1], fromUrl[2]] : ["local", "export"];
  if (!owner || !repo) throw new Error(`--repo is OWNER/NAME, not ${option}.\n\n${REPORT_USAGE}`);
  return { owner, repo };
}

/** Fractions to 4 decimals, so the JSON is the same on every machine. */
function rounded(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value) ? Math.round(value * 10_000) / 10_000 : value;
}

/** `batchbot report`: the dashboard's figures for a `gh issue list --json` export, as markdown or JSON. */
export async function runReport(args: string[]): Promise<string> {
  const options = parseArgs(args);
  const config = await loadConfig(options.config);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readInput(options.file));
  } catch (error) {
    throw new Error(`${options.file ?? "standard input"} is not JSON: ${(error as Error).message}`);
  }
  const result = parseIssueList(parsed);
  if (!result.ok)
    throw new Error(
      `${options.file ?? "standard input"} is not a \`gh issue list --json\` export: at ${result.problems[0]}.\n\n${REPORT_USAGE}`,
    );
  const { issues } = result;
  const repo = repoOf(options.repo, parsed);
  const batches: BatchIssue[] = [];
  for (const issue of issues) {
    const meta = decodeBatchMeta(issue.body);
    if (meta)
      batches.push({
        number: issue.number,
        id: issue.id,
        state: issue.state,
        title: issue.title,
        body: issue.body,
        meta,
      });
  }
  const specs = [...buildRegistry(repo, issues, config).specs.values()];
  const metrics = computeMetrics({ specs, batches, config, now: options.now });
  if (options.format === "json")
    return JSON.stringify(
      { repo: `${repo.owner}/${repo.repo}`, now: options.now.toISOString(), ...metrics },
      rounded,
      2,
    );
  return `${renderDashboard(metrics, { repo, board: null, source: "export" })}\n`;
}
