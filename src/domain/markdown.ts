import { blockState, classifyLine, interruptsParagraph, type Quote, readQuoted } from "./markdown-blocks.js";
import { htmlText, inlineText } from "./markdown-inline.js";

/** Anything a rule below could act on: a `\r`, code (backticks, `~~~`, indentation), a quote or raw HTML. */
const NEEDS_RULES = /\r|`|~~~|<|^ {0,3}>|^ {4}|^ {0,3}\t/m;
const SHOWN_RULES = /\r|`|~~~|<|\\|^ {0,3}>|^ {4}|^ {0,3}\t/m;

/**
 * The lines of a markdown text as typed, with everything GitHub doesn't show as the author's own prose blanked out:
 * fenced and indented code, block quotes (with their lazy continuation lines), code spans, HTML comments, and the
 * text of `<code>`/`<pre>` elements. Escapes, tags and autolinks stay as typed (an escaped backtick opens no code).
 * Line numbers are kept, so callers can still tell which heading a line belongs to. A line scanner of CommonMark's
 * block and inline rules for these constructs only (200× faster than a full parser on SPEC bodies), checked against
 * a CommonMark parser by a property test (test/domain/markdown.property.test.ts).
 */
export function visibleLines(markdown: string): string[] {
  return scan(markdown, false);
}

/**
 * `visibleLines` as GitHub renders the text: escapes show their character alone (`\#2` reads `#2`), tags show
 * nothing (a space), autolinks their address (`<https://…>` reads ` https://… `).
 */
export function shownLines(markdown: string): string[] {
  return scan(markdown, true);
}

function scan(markdown: string, shown: boolean): string[] {
  // Most bodies hold nothing any rule below would blank out.
  if (!(shown ? SHOWN_RULES : NEEDS_RULES).test(markdown)) return markdown.split("\n");
  const lines = (markdown.includes("\r") ? markdown.replace(/\r\n?/g, "\n") : markdown).split("\n");
  const out = new Array<string>(lines.length).fill("");
  const top = blockState();
  let quote: Quote | null = null;
  let paragraph = -1;
  const flush = (to: number) => {
    if (paragraph === -1) return;
    const text = to - paragraph === 1 ? lines[paragraph]! : lines.slice(paragraph, to).join("\n");
    const read = inlineText(text, shown).split("\n");
    for (let k = 0; k < read.length; k++) out[paragraph + k] = read[k]!;
    paragraph = -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (quote) {
      // A line that continues the quoted paragraph is quoted too, even without `>` (a lazy continuation line).
      if (quote.inner.paragraph && !interruptsParagraph(line)) continue;
      if (!/^ {0,3}>/.test(line)) quote = null;
    }
    const kind = classifyLine(top, line);
    if (kind === "paragraph" && paragraph !== -1) continue;
    flush(i);
    if (kind === "paragraph" || kind === "item") paragraph = i;
    else if (kind === "heading") out[i] = inlineText(line, shown);
    else if (kind === "html") {
      top.lineHtml!.keepTags = !shown;
      out[i] = htmlText(line, top.lineHtml!);
    } else if (kind === "quote") {
      quote ??= { depth: 0, inner: blockState() };
      readQuoted(quote, line);
    }
  }
  flush(lines.length);
  return out;
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
