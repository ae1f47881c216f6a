/**
 * The inline half of the markdown scanner: what a reader sees of a paragraph's text (CommonMark's inline rules for
 * code spans, escapes, raw HTML and autolinks) and of raw HTML (GitHub renders it; `<code>`, `<pre>` and the like
 * show as code, comments and tags show nothing). Hidden text becomes spaces; line breaks are always kept, so
 * callers can map the result back to source lines.
 */

/** Raw-HTML elements whose text is code or not shown (`<code>`, `<pre>`) or not prose at all. */
const CODE_ELEMENTS = new Set(["code", "pre", "script", "style", "textarea", "kbd", "samp", "tt"]);

/**
 * What is open while reading raw HTML: a construct that ends at `until`, and code elements by name. With `keepTags`
 * tags (and autolinks) stay as typed, for readers of the source (commands) rather than of the rendered text.
 */
export interface HtmlState {
  until: string | null;
  code: Map<string, number>;
  hidden: number;
  keepTags: boolean;
}

export function htmlState(keepTags = false): HtmlState {
  return { until: null, code: new Map(), hidden: 0, keepTags };
}

/** `text` with everything but line breaks blanked: one space per run. */
export function blank(text: string): string {
  return text.includes("\n") ? text.replace(/[^\n]+/g, " ") : " ";
}

const TAG_NAME = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/;

/** Opens or closes a code element as a tag named `name` does. */
function applyTag(state: HtmlState, closing: boolean, name: string): void {
  const lower = name.toLowerCase();
  if (!CODE_ELEMENTS.has(lower)) return;
  const depth = state.code.get(lower) ?? 0;
  if (!closing) {
    state.code.set(lower, depth + 1);
    state.hidden++;
  } else if (depth > 0) {
    state.code.set(lower, depth - 1);
    state.hidden--;
  }
}

/** Where the construct starting with `<` at `at` ends (exclusive), given how GitHub's HTML parser reads it. */
function constructEnd(html: string, at: number, state: HtmlState): number | null {
  if (html.startsWith("<!--", at)) {
    if (html.startsWith(">", at + 4)) return at + 5;
    if (html.startsWith("->", at + 4)) return at + 6;
    return closeAt(html, at + 4, "-->", state);
  }
  if (html.startsWith("<?", at) || html.startsWith("<!", at)) return closeAt(html, at + 2, ">", state);
  const tag = TAG_NAME.exec(html.slice(at, at + 80));
  if (!tag) return null;
  applyTag(state, tag[1] === "/", tag[2]!);
  return closeAt(html, at + tag[0].length, ">", state);
}

function closeAt(html: string, from: number, until: string, state: HtmlState): number {
  const end = html.indexOf(until, from);
  if (end !== -1) return end + until.length;
  state.until = until;
  return html.length;
}

/**
 * What a reader sees of raw HTML (an HTML block, or one inline tag): text outside tags and comments, except inside
 * code elements. `state` carries what is still open (a comment, a `<pre>`) to the next line of the same block.
 */
export function htmlText(html: string, state: HtmlState): string {
  let out = "";
  let i = 0;
  while (i < html.length) {
    if (state.until) {
      const end = html.indexOf(state.until, i);
      const stop = end === -1 ? html.length : end + state.until.length;
      out += blank(html.slice(i, stop));
      if (end !== -1) state.until = null;
      i = stop;
      continue;
    }
    const lt = html.indexOf("<", i);
    const text = lt === -1 ? html.slice(i) : html.slice(i, lt);
    out += state.hidden > 0 && text ? blank(text) : text;
    if (lt === -1) break;
    const end = constructEnd(html, lt, state);
    if (end === null) {
      out += state.hidden > 0 ? " " : "<";
      i = lt + 1;
    } else {
      const isTag = /[A-Za-z/]/.test(html[lt + 1] ?? "");
      out += state.keepTags && isTag && state.hidden === 0 ? html.slice(lt, end) : blank(html.slice(lt, end));
      i = end;
    }
  }
  return out;
}

// CommonMark's raw HTML (inline): open tag, closing tag, comment, processing instruction, declaration, CDATA.
const ATTRIBUTE = `(?:\\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\\s*=\\s*(?:[^\\s"'=<>\`]+|'[^']*'|"[^"]*"))?)`;
const OPEN_TAG = `<[A-Za-z][A-Za-z0-9-]*${ATTRIBUTE}*\\s*\\/?>`;
const CLOSING_TAG = "<\\/[A-Za-z][A-Za-z0-9-]*\\s*>";
const INLINE_HTML = new RegExp(
  `^(?:${OPEN_TAG}|${CLOSING_TAG}|<!-->|<!--->|<!--[\\s\\S]*?-->|<\\?[\\s\\S]*?\\?>|<![A-Za-z][^>]*>|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)`,
);
const AUTOLINK = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/;
/** A complete open or closing tag alone on a line: an HTML block of CommonMark's kind 7. */
export const LONE_TAG = new RegExp(`^(?:${OPEN_TAG}|${CLOSING_TAG})[ \\t]*$`);

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** Length of the run of `char` starting at `at`. */
function runLength(text: string, at: number, char: string): number {
  let n = 0;
  while (text[at + n] === char) n++;
  return n;
}

/** Where the code span opened by `n` backticks at `from` closes (the index of the closing run), or -1. */
function closingRun(text: string, from: number, n: number): number {
  for (let j = text.indexOf("`", from); j !== -1; ) {
    const m = runLength(text, j, "`");
    if (m === n) return j;
    j = text.indexOf("`", j + m);
  }
  return -1;
}

/**
 * A paragraph's (or heading's) text without what a reader doesn't see as prose: code spans, HTML comments and the
 * text inside `<code>`/`<pre>` are blanked; escapes open nothing. As typed, escapes, tags and autolinks stay; `shown`
 * gives the text as GitHub renders it: escapes show their character alone, tags nothing, autolinks their address
 * (set apart by spaces, as a link is on screen). An element left open ends with the paragraph.
 */
export function inlineText(text: string, shown = false): string {
  if (!SPECIAL.test(text)) return text;
  const state = htmlState(!shown);
  const special = new RegExp(SPECIAL.source, "g");
  let out = "";
  let plain = 0;
  const flush = (to: number) => {
    if (to > plain) out += state.hidden > 0 ? blank(text.slice(plain, to)) : text.slice(plain, to);
  };
  for (let m = special.exec(text); m; m = special.exec(text)) {
    const i = m.index;
    if (text[i] === "\\") {
      if (!ASCII_PUNCTUATION.test(text[i + 1] ?? "")) continue;
      special.lastIndex = i + 2;
      if (shown) {
        flush(i);
        plain = i + 1;
      }
      continue;
    }
    flush(i);
    const end = text[i] === "`" ? codeSpan(text, i) : inlineHtml(text, i, state);
    out += state.hidden > 0 && end.shown !== " " ? blank(end.shown) : end.shown;
    special.lastIndex = plain = end.next;
  }
  flush(text.length);
  return out;
}

const SPECIAL = /[\\`<]/;

function codeSpan(text: string, at: number): { shown: string; next: number } {
  const n = runLength(text, at, "`");
  const close = closingRun(text, at + n, n);
  if (close === -1) return { shown: "`".repeat(n), next: at + n };
  return { shown: blank(text.slice(at, close + n)), next: close + n };
}

function inlineHtml(text: string, at: number, state: HtmlState): { shown: string; next: number } {
  const rest = text.slice(at, at + 4000);
  const autolink = AUTOLINK.exec(rest);
  if (autolink) {
    const shown = state.keepTags ? autolink[0] : ` ${autolink[1]!} `;
    return { shown: state.hidden > 0 ? " " : shown, next: at + autolink[0].length };
  }
  const html = INLINE_HTML.exec(rest);
  if (!html) return { shown: state.hidden > 0 ? " " : "<", next: at + 1 };
  return { shown: htmlText(html[0], state), next: at + html[0].length };
}
