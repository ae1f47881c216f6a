import { visibleLines, withoutHtmlComments } from "./markdown.js";
import { inlineText } from "./markdown-inline.js";

/** One `/batch ...` line of a comment. */
export interface CommandLine {
  name: string;
  /** `rest` split on white space. */
  args: string[];
  /** Everything after the subcommand, as typed: inline code is kept (only HTML comments, which nobody sees, go). */
  rest: string;
}

const COMMAND = /^\/batch(?:\s+(\S+))?(?:\s+(.*))?$/i;
const MAX_ARGUMENT_TEXT = 2000;

/**
 * The `/batch` commands of a comment: at the start of a line, outside code blocks, quotes and HTML comments.
 * Detection reads the line with code blanked out (`visibleLines`); the arguments are the words as typed, so
 * `/batch discovery Migrations run with \`npm run migrate\`` keeps its inline code.
 */
export function parseCommands(body: string | null | undefined): CommandLine[] {
  if (!body) return [];
  const out: CommandLine[] = [];
  const visible = visibleLines(body);
  let raw: string[] | null = null;
  visible.forEach((line, i) => {
    if (!/^ {0,3}\//.test(line)) return;
    const match = COMMAND.exec(line.trim());
    if (!match) return;
    raw ??= body.replace(/\r\n?/g, "\n").split("\n");
    const typed = typedRest(raw[i] ?? "", line, match[1], match[2] ?? "") ?? match[2] ?? "";
    const rest = typed.trim().slice(0, MAX_ARGUMENT_TEXT);
    out.push({ name: (match[1] ?? "help").toLowerCase(), args: rest ? rest.split(/\s+/) : [], rest });
  });
  return out;
}

/**
 * The text after the command's name in the line as typed, without HTML comments (nobody sees them), or null when
 * the typed line can't be matched to what the reader sees. The command is the occurrence of `/batch name` whose
 * remainder reads (code blanked) as the visible remainder: an earlier one inside code or a comment reads otherwise.
 */
function typedRest(
  raw: string,
  visible: string,
  name: string | undefined,
  visibleRest: string,
): string | null {
  if (raw === visible) return null;
  const want = squeeze(visibleRest);
  const escaped = name?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const command = new RegExp(`/batch${escaped ? `\\s+${escaped}` : ""}`, "gi");
  for (const match of raw.matchAll(command)) {
    const typed = raw.slice(match.index + match[0].length);
    if (squeeze(inlineText(typed)) === want) return withoutHtmlComments(typed).text;
  }
  return null;
}

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim();
