import { type HtmlState, htmlState, LONE_TAG } from "./markdown-inline.js";

/**
 * The block half of the markdown scanner: CommonMark's block rules for the blocks that hide text (fenced and
 * indented code, block quotes with their lazy continuation lines, HTML blocks), one line at a time.
 */

/** How one line reads. */
export type LineKind =
  | "paragraph" // prose, part of the open paragraph
  | "heading" // an ATX heading, prose on its own
  | "html" // a line of an HTML block: shown as GitHub renders the HTML
  | "hidden" // code, a fence, a thematic break: nothing to read
  | "blank"
  | "quote" // starts with `>`: the caller reads the rest as quoted
  | "item"; // a list item: prose that starts a new paragraph

export interface BlockState {
  fence: { char: string; length: number } | null;
  /** An open HTML block: `end` ends it (on the line that holds it), `null` ends it at a blank line. */
  html: { end: RegExp | null; state: HtmlState } | null;
  paragraph: boolean;
  /** The HTML state the last "html" line is read in (comments and `<pre>` span lines of one HTML block). */
  lineHtml: HtmlState | null;
}

export function blockState(): BlockState {
  return { fence: null, html: null, paragraph: false, lineHtml: null };
}

const RAW_HTML_START = /^<(?:pre|script|style|textarea)(?:[ \t>]|$)/i;
const RAW_HTML_END = /<\/(?:pre|script|style|textarea)>/i;
const BLOCK_TAG_START =
  /^<\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[ \t]|\/?>|$)/i;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const LIST_ITEM = /^(?:[-+*]|1[.)])[ \t]+\S/;

/** The start condition and end of an HTML block beginning on `rest` (a line without its indentation), or null. */
function htmlBlockStart(rest: string, paragraph: boolean): RegExp | null | undefined {
  if (rest[0] !== "<") return undefined;
  if (RAW_HTML_START.test(rest)) return RAW_HTML_END;
  if (rest.startsWith("<!--")) return /-->/;
  if (rest.startsWith("<?")) return /\?>/;
  if (rest.startsWith("<![CDATA[")) return /\]\]>/;
  if (/^<![A-Za-z]/.test(rest)) return />/;
  if (BLOCK_TAG_START.test(rest)) return null;
  if (!paragraph && LONE_TAG.test(rest)) return null;
  return undefined;
}

/** Columns of leading whitespace (tabs to the next multiple of 4) and where the text starts. */
export function indentation(line: string): { columns: number; at: number } {
  let columns = 0;
  let at = 0;
  for (; at < line.length; at++) {
    const c = line.charCodeAt(at);
    if (c === 32) columns++;
    else if (c === 9) columns += 4 - (columns % 4);
    else break;
  }
  return { columns, at };
}

/**
 * Whether a line would start a block that ends an open paragraph, so it can't continue a quoted one lazily. A lone
 * tag (`</pre>`, `<span>`) can't (CommonMark's kind 7; cmark since 0.30 agrees; micromark starts an HTML block).
 */
export function interruptsParagraph(line: string): boolean {
  const { columns, at } = indentation(line);
  if (at === line.length) return true;
  if (columns >= 4) return false;
  const rest = line.slice(at);
  const fence = FENCE.exec(rest);
  if (fence && !(fence[1]![0] === "`" && fence[2]!.includes("`"))) return true;
  if (rest[0] === ">" || ATX_HEADING.test(rest) || THEMATIC_BREAK.test(rest) || LIST_ITEM.test(rest))
    return true;
  return htmlBlockStart(rest, true) !== undefined;
}

/** Reads one line in `state` and says what it is; `state` then holds what the line left open. */
export function classifyLine(state: BlockState, line: string): LineKind {
  if (state.fence) {
    const close = FENCE.exec(line.slice(indentation(line).at));
    const { columns } = indentation(line);
    const run = close?.[1];
    if (
      columns < 4 &&
      run &&
      run[0] === state.fence.char &&
      run.length >= state.fence.length &&
      !close[2]!.trim()
    )
      state.fence = null;
    return "hidden";
  }
  if (state.html) {
    if (state.html.end === null && !line.trim()) {
      state.html = null;
      return "blank";
    }
    state.lineHtml = state.html.state;
    if (state.html.end?.test(line)) state.html = null;
    return "html";
  }
  return classifyStart(state, line);
}

function classifyStart(state: BlockState, line: string): LineKind {
  const { columns, at } = indentation(line);
  if (at === line.length) {
    state.paragraph = false;
    return "blank";
  }
  if (columns >= 4) return state.paragraph ? "paragraph" : "hidden";
  const rest = at ? line.slice(at) : line;
  const fence = FENCE.exec(rest);
  if (fence && !(fence[1]![0] === "`" && fence[2]!.includes("`"))) {
    state.fence = { char: fence[1]![0]!, length: fence[1]!.length };
    state.paragraph = false;
    return "hidden";
  }
  if (rest[0] === ">") {
    state.paragraph = false;
    return "quote";
  }
  if (ATX_HEADING.test(rest)) {
    state.paragraph = false;
    return "heading";
  }
  const html = htmlBlockStart(rest, state.paragraph);
  if (html !== undefined) {
    const block = { end: html, state: htmlState() };
    state.paragraph = false;
    state.lineHtml = block.state;
    if (!html?.test(rest.slice(1))) state.html = block;
    return "html";
  }
  if (state.paragraph && SETEXT_UNDERLINE.test(rest)) {
    state.paragraph = false;
    return "hidden";
  }
  if (THEMATIC_BREAK.test(rest)) {
    state.paragraph = false;
    return "hidden";
  }
  // A list item ends the paragraph above and starts its own.
  const item = state.paragraph && LIST_ITEM.test(rest);
  state.paragraph = true;
  return item ? "item" : "paragraph";
}

/** A block quote being read: how many `>` deep, and the blocks inside it. */
export interface Quote {
  depth: number;
  inner: BlockState;
}

/** Without one `>` marker (and the space after it), or null when `line` doesn't start with one. */
function unquoteOnce(line: string): string | null {
  const { columns, at } = indentation(line);
  if (columns >= 4 || line[at] !== ">") return null;
  return line[at + 1] === " " ? line.slice(at + 2) : line.slice(at + 1);
}

/**
 * Reads a line inside the quote `quote` (it starts with `>`, or continues the quoted paragraph lazily). Fewer
 * markers close the inner quotes unless the line continues their paragraph; more open new ones, unless the line
 * sits in a quoted fence or HTML block.
 */
export function readQuoted(quote: Quote, line: string): void {
  let content = line;
  let depth = 0;
  for (let next = unquoteOnce(content); next !== null && depth < quote.depth; next = unquoteOnce(content)) {
    content = next;
    depth++;
  }
  if (depth < quote.depth) {
    if (quote.inner.paragraph && !interruptsParagraph(content)) return;
    quote.inner = blockState();
    quote.depth = depth;
  } else if (!quote.inner.fence && !quote.inner.html) {
    for (let next = unquoteOnce(content); next !== null; next = unquoteOnce(content)) {
      content = next;
      depth++;
    }
    if (depth > quote.depth) {
      quote.inner = blockState();
      quote.depth = depth;
    }
  }
  classifyLine(quote.inner, content);
}
