import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, relative } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Io } from "../cli.js";
import { type BatchConfig, type ConfigProblem, parseConfig } from "../domain/config.js";

/** Bad input on the command line: printed as one line on stderr, exit code 2. */
export class CliError extends Error {}

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/**
 * `node:util` `parseArgs`, strict, with positionals, for every subcommand: one behaviour (an option never swallows
 * the next option as its value) and Node's errors shortened to one line.
 */
export function parseCommandLine<const O extends OptionsConfig>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(shortParseError(error as Error & { code?: string }));
  }
}

function shortParseError(error: Error & { code?: string }): string {
  const option = /'(?:-\w, )?(--?[\w-]+)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
    return /does not take an argument/.test(error.message)
      ? `${option} takes no value`
      : `${option} needs a value`;
  return oneLine(error.message);
}

export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}

/** A path as the user would write it: relative to the working directory when inside it. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** Reads a file the user named; a missing one says so in those words. */
export function readUserFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = shownPath(path);
    if (code === "ENOENT") throw new CliError(`no such file ${shown} (${what})`);
    if (code === "EISDIR") throw new CliError(`${shown} is a directory, not a file (${what})`);
    throw new CliError(`can't read ${what} ${shown}: ${oneLine((error as Error).message)}`);
  }
}

/** Configuration problems on one line: `FILE is invalid: path: message; path: message`. */
export function configProblemsLine(problems: readonly ConfigProblem[], file: string): string {
  return `${file} is invalid: ${problems.map((p) => `${p.path}: ${oneLine(p.message)}`).join("; ")}`;
}

/** `--format markdown|json`. */
export function formatOption(value: string | undefined): "markdown" | "json" {
  if (value === undefined || value === "markdown" || value === "json") return value ?? "markdown";
  throw new CliError(`--format is markdown or json, not ${value}`);
}

/** At most one FILE. */
export function fileArgument(positionals: readonly string[]): string | null {
  if (positionals.length > 1) throw new CliError(`one FILE at most, got ${positionals.join(" ")}`);
  return positionals[0] ?? null;
}

/** The hint printed when a file has no SPEC: which label was looked for, and where it comes from. */
export function noSpecsProblem(
  source: string,
  issues: number,
  label: string,
  configPath: string | null,
): string {
  const where = configPath
    ? `labels.spec in ${configPath}`
    : "the default; set labels.spec in .github/batch.yml";
  return `no SPECs in ${source}: none of its ${issues} issue${issues === 1 ? "" : "s"} is labelled \`${label}\` (${where})`;
}

/**
 * The YAML parser, loaded only when there is a configuration file to read: loading it costs `batchbot plan` more
 * than a tenth of its time on a machine that is busy, and a plan without `.github/batch.yml` never needs it.
 * (`require`, not `import()`: `batchbot plan` runs synchronously; yaml ships CommonJS for Node.)
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

/** The configuration at `path` (YAML), or the defaults without one; a bad file is one CLI error line. */
export function loadConfig(path: string | null): BatchConfig {
  let input: unknown = null;
  if (path) {
    const text = readUserFile(path, "configuration");
    try {
      input = parseYaml(text);
    } catch (error) {
      throw new CliError(`${shownPath(path)} is not YAML: ${oneLine((error as Error).message)}`);
    }
  }
  const parsed = parseConfig(input);
  if (!parsed.ok)
    throw new CliError(
      configProblemsLine(parsed.problems, path ? shownPath(path) : "the default configuration"),
    );
  return parsed.config;
}

/** Bad input as one line on stderr, pointing at the help; exit code 2. */
export function fail(io: Pick<Io, "err">, who: string, problem: string): number {
  const help = who === "batchbot" ? "batchbot --help" : `${who} --help`;
  io.err(`${who}: ${oneLine(problem)} (${help})\n`);
  return 2;
}
