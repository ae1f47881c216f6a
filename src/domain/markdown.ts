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
    line = line.replace(/<!--[\s\S]*?-->/g, "");
    const commentStart = line.indexOf("<!--");
    if (commentStart !== -1) {
      inComment = true;
      line = line.slice(0, commentStart);
    }
    line = line.replace(/(`+)[\s\S]*?\1/g, "");
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
