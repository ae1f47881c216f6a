import { BATCH_METADATA_KIND, type BatchMeta, encodeBatchMeta } from "./batch.js";
import { visibleLines } from "./markdown.js";

/**
 * Edits of a batch issue's body: the task list (one line per SPEC), the report section the app rewrites, and the
 * hidden metadata block. Each edit returns the body unchanged (the same string) when there is nothing to change,
 * so the caller can skip the write.
 */
export const REPORT_START = "<!-- batchbot:report -->";
export const REPORT_END = "<!-- /batchbot:report -->";

/** `- [ ] #12 title`, `- [x] 3. #12 title`: the checkbox, then an optional position, then the SPEC. */
const TASK = /^(\s*[-*+]\s+\[)([ xX])(\]\s+(?:\d+[.)]\s+)?)#(\d+)(?![0-9A-Za-z_])/;

/** The SPEC numbers of the body's task lines, in order, with whether each is ticked. */
export function taskLines(body: string): Array<{ spec: number; checked: boolean }> {
  const out: Array<{ spec: number; checked: boolean }> = [];
  for (const line of visibleTaskLines(body)) {
    const match = TASK.exec(line.raw);
    if (match) out.push({ spec: Number(match[4]), checked: match[2] !== " " });
  }
  return out;
}

/** Ticks the task line of every SPEC `closed` says is closed and unticks the others it knows of. */
export function withTaskChecks(body: string, closed: (spec: number) => boolean | undefined): string {
  return editTaskLines(body, (raw, match) => {
    const want = closed(Number(match[4]));
    if (want === undefined || want === (match[2] !== " ")) return raw;
    return `${match[1]}${want ? "x" : " "}${raw.slice(match[1]!.length + 1)}`;
  });
}

/**
 * Turns the task lines of released SPECs into struck-through list items without a checkbox, so GitHub's
 * "n of m tasks" counts only the SPECs still in the batch.
 */
export function withReleasedTasks(body: string, released: ReadonlySet<number>): string {
  return editTaskLines(body, (raw, match) => {
    if (!released.has(Number(match[4]))) return raw;
    const bullet = /^\s*[-*+]\s+/.exec(raw)![0];
    const text = raw.slice(match[1]!.length + 1 + match[3]!.length).trim();
    return `${bullet}~~${text}~~ (released)`;
  });
}

function editTaskLines(body: string, edit: (raw: string, match: RegExpExecArray) => string): string {
  const lines = body.split("\n");
  let changed = false;
  for (const { raw, index } of visibleTaskLines(body)) {
    const match = TASK.exec(raw);
    if (!match) continue;
    const next = edit(raw, match);
    if (next !== raw) {
      lines[index] = lines[index]!.endsWith("\r") ? `${next}\r` : next;
      changed = true;
    }
  }
  return changed ? lines.join("\n") : body;
}

/** Raw lines that are prose (not in code, quotes or comments) and outside the report section. */
function visibleTaskLines(body: string): Array<{ raw: string; index: number }> {
  const raw = body.split("\n");
  const visible = visibleLines(body);
  const out: Array<{ raw: string; index: number }> = [];
  let inReport = false;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (line.includes(REPORT_START)) inReport = true;
    if (line.includes(REPORT_END)) {
      inReport = false;
      continue;
    }
    if (inReport || !visible[i]?.trim()) continue;
    out.push({ raw: line.replace(/\r$/, ""), index: i });
  }
  return out;
}

/** The report section's content, or null when the body has none. */
export function reportSection(body: string): string | null {
  const start = body.indexOf(REPORT_START);
  const end = body.indexOf(REPORT_END, start);
  if (start === -1 || end === -1) return null;
  return body.slice(start + REPORT_START.length, end).trim();
}

/** The body with its report section replaced by `report` (appended at the end when there is none). */
export function withReport(body: string, report: string): string {
  const section = `${REPORT_START}\n${report.trim()}\n${REPORT_END}`;
  const start = body.indexOf(REPORT_START);
  const end = body.indexOf(REPORT_END, start);
  if (start === -1 || end === -1) return `${body.replace(/\s*$/, "")}\n\n${section}\n`;
  const next = body.slice(0, start) + section + body.slice(end + REPORT_END.length);
  return next === body ? body : next;
}

/** The body with its batch metadata block replaced by `meta` (appended when there is none). */
export function withBatchMeta(body: string, meta: BatchMeta): string {
  const encoded = encodeBatchMeta(meta);
  const marker = `<!-- batchbot:${BATCH_METADATA_KIND} `;
  const start = body.indexOf(marker);
  const end = start === -1 ? -1 : body.indexOf(" -->", start);
  if (start === -1 || end === -1) return `${body.replace(/\s*$/, "")}\n${encoded}\n`;
  const next = body.slice(0, start) + encoded + body.slice(end + " -->".length);
  return next === body ? body : next;
}
