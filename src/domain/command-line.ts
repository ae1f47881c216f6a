import { visibleLines } from "./markdown.js";

/** One `/batch ...` line of a comment. */
export interface CommandLine {
  name: string;
  args: string[];
  /** Everything after the subcommand, as typed (for free-text reasons). */
  rest: string;
}

const COMMAND = /^\/batch(?:\s+(\S+))?(?:\s+(.*))?$/i;
const MAX_ARGUMENT_TEXT = 2000;

/** The `/batch` commands of a comment: at the start of a line, outside code blocks, quotes and HTML comments. */
export function parseCommands(body: string | null | undefined): CommandLine[] {
  if (!body) return [];
  const out: CommandLine[] = [];
  for (const line of visibleLines(body)) {
    if (!/^ {0,3}\//.test(line)) continue;
    const match = COMMAND.exec(line.trim());
    if (!match) continue;
    const rest = (match[2] ?? "").trim().slice(0, MAX_ARGUMENT_TEXT);
    out.push({ name: (match[1] ?? "help").toLowerCase(), args: rest ? rest.split(/\s+/) : [], rest });
  }
  return out;
}
