import { resolve } from "node:path";
import type { Io } from "../cli.js";
import { type BatchData, parseBatchData } from "../domain/batch-data.js";
import { CliError, parseCommandLine, readUserFile } from "./args.js";

/** `123`, `#123` or `https://host/owner/repo/issues/123`: the batch issue's number. */
export function batchNumber(argument: string): number {
  const match =
    /^#?(\d+)$/.exec(argument) ??
    /^https?:\/\/[^/]+\/[^/]+\/[^/]+\/issues\/(\d+)\/?(?:[?#].*)?$/.exec(argument);
  const number = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1)
    throw new CliError(
      `${argument} is no issue: give its number (12) or URL (https://github.com/o/r/issues/12)`,
    );
  return number;
}

async function readInput(file: string | null, cwd: string, stdin: Io["stdin"]): Promise<string> {
  if (file !== null && file !== "-") return readUserFile(resolve(cwd, file), "the issue");
  if (!stdin || stdin.isTTY)
    throw new CliError(
      "nothing is piped in: gh issue view <issue> --json body | batchbot batch <issue> --json",
    );
  const chunks: string[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
  return chunks.join("");
}

/** The body in `gh issue view --json body[,number]` output, or the text itself when it is a raw body. */
function bodyOf(text: string): { body: string; number: number | null } {
  try {
    const parsed = JSON.parse(text) as { body?: unknown; number?: unknown };
    if (parsed && typeof parsed.body === "string")
      return { body: parsed.body, number: typeof parsed.number === "number" ? parsed.number : null };
  } catch {
    // Not JSON: a raw body.
  }
  return { body: text, number: null };
}

function summary(data: BatchData): string {
  const lines = [
    `Batch #${data.batch} for @${data.agent}: ${data.specs.length} SPEC${data.specs.length === 1 ? "" : "s"}`,
  ];
  for (const spec of data.specs) {
    const deps = spec.dependsOn.length
      ? ` (after ${spec.dependsOn.map((d) => (typeof d === "number" ? `#${d}` : d)).join(", ")})`
      : "";
    lines.push(`${spec.order}. #${spec.number} ${spec.title} [${spec.kind}]${deps}`);
    for (const criterion of spec.criteria) lines.push(`   - ${criterion}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `batchbot batch ARGS`: the batch data of the issue whose body is piped in (or in --file). */
export async function runBatch(args: readonly string[], io: Pick<Io, "cwd" | "stdin">): Promise<string> {
  const { values, positionals } = parseCommandLine(args, {
    json: { type: "boolean" },
    file: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (positionals.length !== 1) throw new CliError("give one batch issue: its number or URL");
  const number = batchNumber(positionals[0]!);
  const input = bodyOf(await readInput(values.file ?? null, io.cwd, io.stdin));
  if (input.number !== null && input.number !== number)
    throw new CliError(`the input is issue #${input.number}, not #${number}`);
  const data = parseBatchData(input.body);
  if (!data) throw new CliError(`#${number} has no batch data: is it a batch issue opened by batchbot?`);
  if (data.batch !== number)
    throw new CliError(`the input holds batch #${data.batch}'s data, not #${number}'s`);
  return values.json ? `${JSON.stringify(data, null, 2)}\n` : summary(data);
}
