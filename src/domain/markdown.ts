/** A line break other than \n, code (fence, indent, inline), a quote or an HTML comment anywhere in the text. */
const NEEDS_RULES = /\r|`|~~~|<!--|^ {0,3}>|^ {4}|^\t/m;

/**
 * The lines of a markdown text as a reader sees them, with everything that is not the author's own
 * prose blanked out: fenced code blocks, indented code, block quotes, HTML comments and inline code.
 * Line numbers are kept, so callers can still tell which heading a line belongs to.
 */
export function visibleLines(markdown: string): string[] {
  // Most bodies hold nothing any rule below would blank out.
  if (!NEEDS_RULES.test(markdown)) return markdown.split("\n");
  const lines = (markdown.includes("\r") ? markdown.replace(/\r\n?/g, "\n") : markdown).split("\n");
  const out: string[] = [];
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  let previousBlank = true;
  for (const raw of lines) {
    if (!fence && !inComment && isPlainProse(raw)) {
      previousBlank = raw.length === 0;
      out.push(raw);
      continue;
    }
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(raw);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      out.push("");
      continue;
    }
    let line = raw;
    if (inComment) {
      const end = line.indexOf("-->");
      if (end === -1) {
        out.push("");
        continue;
      }
      inComment = false;
      line = line.slice(end + 3);
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (open?.[1]) {
      fence = { char: open[1][0]!, length: open[1].length };
      out.push("");
      continue;
    }
    if (/^ {0,3}>/.test(line) || (previousBlank && /^(?: {4}|\t)/.test(line))) {
      out.push("");
      previousBlank = false;
      continue;
    }
    const uncommented = withoutHtmlComments(line);
    line = uncommented.text;
    inComment = uncommented.open;
    // A code span opens and closes with backtick runs of the same length (`` is one run, not an empty span);
    // it leaves a space, so the words on either side stay apart as they are on screen.
    line = line.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, " ");
    previousBlank = line.trim() === "";
    out.push(line);
  }
  return out;
}

/** A line no rule below can change: it can't open code, a quote or a comment, and holds no inline code. */
function isPlainProse(line: string): boolean {
  const first = line.charCodeAt(0);
  // space, tab, `>`, backtick, `~`
  if (first === 32 || first === 9 || first === 62 || first === 96 || first === 126) return false;
  return !line.includes("`") && !line.includes("<!--");
}

/**
 * A line without its HTML comments; `open` when a comment starts and doesn't end on it. Linear: a regex with a
 * lazy `[\s\S]*?` rescans the rest of the line for every unclosed `<!--`, quadratic on hostile input.
 */
export function withoutHtmlComments(line: string): { text: string; open: boolean } {
  let text = "";
  let from = 0;
  for (;;) {
    const start = line.indexOf("<!--", from);
    if (start === -1) return { text: text + line.slice(from), open: false };
    text += line.slice(from, start);
    const end = line.indexOf("-->", start + 4);
    if (end === -1) return { text, open: true };
    from = end + 3;
  }
}

/**
 * `text` as an inline code span nothing inside can close early, so user input quoted in a reply renders as
 * text: no mentions, links, HTML or markdown. Control and invisible format characters (bidi overrides,
 * zero-width) are replaced, and long input is cut to `max` characters.
 */
export function inlineCode(text: string, max = 60): string {
  const chars = [...text.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, "\uFFFD")];
  const shown = chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = shown.startsWith("`") || shown.endsWith("`") ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}
