import type { Nodes, Parents, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { blank, type HtmlState, htmlState, htmlText } from "../../src/domain/markdown-inline.js";

/**
 * The reference reading of a markdown body: its lines as a reader sees them, from a CommonMark parser's tree
 * (mdast-util-from-markdown, plain CommonMark: the bodies tested hold no GFM tables, task lists, strikethrough or
 * footnotes, and a GFM autolink literal reads the same as the bare address). Prose is text nodes, links as their
 * address, ATX headings with their `#`s; code (fenced, indented, spans), quotes and definitions show nothing.
 * Raw HTML (which CommonMark passes through unread) is read as GitHub renders it, with the scanner's own
 * `htmlText`: comments and tags show nothing, nor does the text of `<code>`/`<pre>`; an element left open in a
 * paragraph ends with it.
 */
export function referenceLines(markdown: string): string[] {
  const source = markdown.replace(/\r\n?/g, "\n");
  const lines = source.split("\n");
  const out = lines.map(() => "");
  const tree: Root = fromMarkdown(source);
  const put = (line: number, text: string) => {
    const parts = text.split("\n");
    parts.forEach((part, k) => {
      if (line - 1 + k < out.length) out[line - 1 + k] += part;
    });
  };
  const block = (node: Nodes) => {
    const start = node.position!.start;
    if (node.type === "paragraph") inline(node, htmlState(), put);
    else if (node.type === "heading") {
      const atx = lines[start.line - 1]!.trimStart().startsWith("#");
      if (atx) put(start.line, `${"#".repeat(node.depth)} `);
      inline(node, htmlState(), put);
    } else if (node.type === "html") put(start.line, htmlText(node.value, htmlState()));
    else if (node.type === "list" || node.type === "listItem" || node.type === "root")
      for (const child of node.children) block(child);
  };
  block(tree);
  return out;
}

type Put = (line: number, text: string) => void;

/** Appends the prose of `node`'s inline children to their lines. */
function inline(node: Parents, state: HtmlState, put: Put): void {
  for (const child of node.children) {
    const at = child.position!.start.line;
    const lines = child.position!.end.line - at;
    const hidden = (text: string) => (state.hidden > 0 ? blank(text) : text);
    if (child.type === "text") put(at, hidden(child.value));
    else if (child.type === "inlineCode") put(at, ` ${"\n".repeat(lines)}`);
    else if (child.type === "html") put(at, htmlText(child.value, state));
    else if (child.type === "break") put(at, "\n");
    else if (child.type === "link") {
      // The link's text can open or close a code element; the address is what names an issue.
      inline(child, state, () => {});
      put(at, `${hidden(` ${child.url} `)}${"\n".repeat(lines)}`);
    } else if ("children" in child) inline(child, state, put);
  }
}
