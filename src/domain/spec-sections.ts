import { visibleLines } from "./markdown.js";
import { escapeMentions } from "./mention-escape.js";

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
/** A paragraph that only declares dependencies (`Depends on #1`) says nothing about the SPEC's goal. */
const DEPENDENCY_LINE = /^\s*(?:depends on|blocked by|requires|after)\b/i;
const MAX_REMAINING = 300;

const headingTitle = (text: string) => text.replace(/[*_:]/g, "").trim();

/** A SPEC body's lines as typed and as a reader sees them (code, quotes and comments blanked). */
function linesOf(body: string): { raw: string[]; visible: string[] } {
  return { raw: body.replace(/\r\n?/g, "\n").split("\n"), visible: visibleLines(body) };
}

/** The line range of the first section whose heading title `matches`, up to the next heading at its level or above. */
function section(visible: readonly string[], matches: (title: string) => boolean): [number, number] | null {
  let level = 0;
  let start = -1;
  for (let i = 0; i < visible.length; i++) {
    const heading = HEADING.exec(visible[i]!);
    if (!heading) continue;
    const depth = heading[1]!.length;
    if (level && depth <= level) return [start, i];
    if (!level && matches(headingTitle(heading[2]!))) {
      level = depth;
      start = i + 1;
    }
  }
  return level ? [start, visible.length] : null;
}

/** The SPEC's `## Remaining` section as one line (list items joined), or null when it has none. */
export function remainingWork(body: string): string | null {
  const { raw, visible } = linesOf(body);
  const range = section(visible, (t) => /^remaining\b/i.test(t));
  if (!range) return null;
  const items: string[] = [];
  for (let i = range[0]; i < range[1]; i++) {
    if (!visible[i]!.trim() || HEADING.test(visible[i]!)) continue;
    const item = raw[i]!.replace(LIST_ITEM, "").trim();
    if (item) items.push(item);
  }
  if (!items.length) return null;
  return cut(escapeMentions(items.join("; ")), MAX_REMAINING);
}

/**
 * What a new SPEC is for, as one line: its `## Goal` (or `## Objective`) section's first paragraph, else the
 * body's first paragraph of prose (not a heading, a list or a dependency declaration); null when it has neither.
 * Mentions and references are defused; the text is cut at `max` characters.
 */
export function specGoal(body: string | null | undefined, max = 300): string | null {
  if (!body?.trim()) return null;
  const { raw, visible } = linesOf(body);
  const range = section(visible, (t) => /^(?:goal|goals|objective|purpose)\b/i.test(t));
  const paragraph = range
    ? firstParagraph(raw, visible, range[0], range[1], false)
    : firstParagraph(raw, visible, 0, visible.length, true);
  return paragraph ? cut(escapeMentions(paragraph), max) : null;
}

function firstParagraph(
  raw: readonly string[],
  visible: readonly string[],
  from: number,
  to: number,
  proseOnly: boolean,
): string | null {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const seen = visible[i]!;
    const blank = !seen.trim();
    if (lines.length && (blank || HEADING.test(seen))) break;
    if (blank || HEADING.test(seen)) continue;
    if (proseOnly && (LIST_ITEM.test(seen) || DEPENDENCY_LINE.test(seen) || /^\s*[|<]/.test(seen))) continue;
    lines.push(raw[i]!.replace(LIST_ITEM, "").trim());
  }
  const text = lines.join(" ").replace(/\s+/g, " ").trim();
  return text || null;
}

/** `text` cut to `max` characters with an ellipsis. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…` : text;
}
