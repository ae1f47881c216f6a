#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CliError, fail } from "./cli/args.js";
import { BATCH_USAGE, PLAN_USAGE, REPORT_USAGE } from "./cli/usage.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Standard input, for `report` without FILE; `isTTY` when it is a terminal nobody pipes into. */
  stdin?: AsyncIterable<Buffer | string> & { isTTY?: boolean };
}

/** A subcommand of the `batchbot` executable. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: readonly string[], io: Io): Promise<string>;
}

/** Each runner is imported when its command is given: `batchbot plan` never loads `report`'s code, nor the reverse. */
export const CLI_COMMANDS: readonly CliCommand[] = [
  {
    name: "plan",
    summary: "plans batches offline from a `gh issue list --json` export, as `/batch assign` would",
    usage: PLAN_USAGE,
    run: async (args, io) => (await import("./cli/plan.js")).planFromFile(args, io.cwd),
  },
  {
    name: "report",
    summary:
      "the dashboard's figures (velocity, quality gate, messages) from a `gh issue list --json` export",
    usage: REPORT_USAGE,
    run: async (args, io) => (await import("./cli/report.js")).runReport(args, io),
  },
  {
    name: "batch",
    summary: "a batch issue's batch data (the block agents read) from `gh issue view --json body` output",
    usage: BATCH_USAGE,
    run: async (args, io) => (await import("./cli/batch.js")).runBatch(args, io),
  },
];

export const USAGE = [
  "Usage: batchbot <command> [options]",
  "",
  ...CLI_COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
  "",
  "batchbot <command> --help shows a command's options.",
].join("\n");

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
