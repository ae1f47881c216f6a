import { visibleLines } from "./markdown.js";

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
/** Section titles that hold a SPEC's acceptance criteria. */
const CRITERIA_TITLE = /^(?:acceptance criteria|success criteria|criteria|definition of done|done when)\b/i;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;

export const MAX_CRITERIA = 20;
export const MAX_CRITERION_LENGTH = 300;

/**
 * The list items of a SPEC's acceptance-criteria section (`## Acceptance criteria`, `## Success criteria`,
 * `## Definition of done`, `## Done when`), as written: an agent reads them as its checklist. Items in code blocks,
 * quotes and comments are not criteria. At most 20, each cut at 300 characters; empty when the SPEC has none.
 * `headings` replaces the titles looked for (the configuration's `message.criteria-headings`).
 */
export function acceptanceCriteria(body: string | null | undefined, headings?: readonly string[]): string[] {
  if (!body) return [];
  const isCriteria = headings ? titleIn(headings) : (title: string) => CRITERIA_TITLE.test(title);
  const raw = body.replace(/\r\n?/g, "\n").split("\n");
  const visible = visibleLines(body);
  const items: string[] = [];
  let level = 0;
  for (let i = 0; i < visible.length && items.length < MAX_CRITERIA; i++) {
    const heading = HEADING.exec(visible[i]!);
    if (heading) {
      const depth = heading[1]!.length;
      if (level && depth <= level) break;
      if (!level && isCriteria(heading[2]!.replace(/[*_:]/g, "").trim())) level = depth;
      continue;
    }
    if (!level || !LIST_ITEM.test(visible[i]!)) continue;
    const item = raw[i]!.replace(LIST_ITEM, "").trim();
    if (item) items.push(cut(item));
  }
  return items;
}

/** A heading title that starts with one of `headings` (case-insensitive, as a whole word: `Goals` isn't `Goal`). */
function titleIn(headings: readonly string[]): (title: string) => boolean {
  const wanted = headings.map((h) => h.trim().toLowerCase()).filter(Boolean);
  return (title) => {
    const lower = title.toLowerCase();
    return wanted.some((h) => lower.startsWith(h) && !/[\p{L}\p{N}]/u.test(lower.charAt(h.length)));
  };
}

function cut(text: string): string {
  return text.length > MAX_CRITERION_LENGTH ? `${text.slice(0, MAX_CRITERION_LENGTH - 1).trimEnd()}…` : text;
}
