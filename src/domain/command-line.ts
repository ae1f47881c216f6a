import { visibleLines, withoutHtmlComments } from "./markdown.js";

/** One `/batch ...` line of a comment. */
export interface CommandLine {
  name: string;
  /** `rest` split on white space. */
  args: string[];
  /** Everything after the subcommand, as typed: inline code is kept (only HTML comments, which nobody sees, go). */
  rest: string;
}

const COMMAND = /^\/batch(?:\s+(\S+))?(?:\s+(.*))?$/i;
const NAME = /^\s*\/batch(?:\s+(\S+))?/i;
const MAX_ARGUMENT_TEXT = 2000;
/** The code span rule of `visibleLines`: a span opens and closes with backtick runs of the same length. */
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

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
    const typed = typedRest(raw[i] ?? "", line) ?? match[2] ?? "";
    const rest = typed.trim().slice(0, MAX_ARGUMENT_TEXT);
    out.push({ name: (match[1] ?? "help").toLowerCase(), args: rest ? rest.split(/\s+/) : [], rest });
  });
  return out;
}

/**
 * The text after the command's name in the line as typed, or null when the typed line can't be matched to what
 * the reader sees. The typed line loses its HTML comments (including the end of one opened on an earlier line);
 * it is the right one when blanking its code spans gives exactly the visible line.
 */
function typedRest(raw: string, visible: string): string | null {
  if (raw === visible) return null;
  const closing = raw.indexOf("-->");
  const readings = [withoutHtmlComments(raw).text];
  if (closing !== -1) readings.push(withoutHtmlComments(raw.slice(closing + 3)).text);
  for (const typed of readings) {
    const { text, origin } = blankCode(typed);
    if (text !== visible) continue;
    const name = NAME.exec(text);
    if (!name) return null;
    const end = name[0].length;
    // The name's last character is typed text, never a blanked span, so its origin is exact.
    return typed.slice(end === 0 ? 0 : origin[end - 1]! + 1);
  }
  return null;
}

/** `line` with each code span replaced by one space (as `visibleLines` does), and where each character came from. */
function blankCode(line: string): { text: string; origin: number[] } {
  let text = "";
  const origin: number[] = [];
  let from = 0;
  for (const span of line.matchAll(CODE_SPAN)) {
    for (let i = from; i < span.index; i++) origin.push(i);
    text += `${line.slice(from, span.index)} `;
    origin.push(span.index);
    from = span.index + span[0].length;
  }
  for (let i = from; i < line.length; i++) origin.push(i);
  return { text: text + line.slice(from), origin };
}
