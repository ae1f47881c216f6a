import { REPORT_START } from "./batch-body.js";
import { decodeMetadata, encodeMetadata } from "./metadata.js";
import { type IssueRef, type RepoRef, sameRepo, shortRef } from "./references.js";
import { acceptanceCriteria } from "./spec-criteria.js";

/**
 * The batch as data, for agents: a fenced `json` block in a collapsed "Batch data" section of the batch issue, and
 * the same in a hidden `<!-- batchbot:batch-data {...} -->` block. Its JSON Schema is `schema/batch-data.schema.json`.
 */
export interface BatchData {
  version: 1;
  /** The batch issue's number. */
  batch: number;
  agent: string;
  specs: BatchDataSpec[];
  /** Who validates (B1, B2): logins and `org/team`s; empty when any collaborator with write access may. */
  validators: { b1: string[]; b2: string[] };
  /** The commands an agent gives in a comment on the batch issue, by name, with their usage. */
  commands: Record<string, string>;
}

export interface BatchDataSpec {
  number: number;
  url: string;
  title: string;
  /** `fix`: a partial SPEC, listed first; `new`: a new implementation. */
  kind: "fix" | "new";
  /** 1-based position in the batch: work in this order. */
  order: number;
  /** Dependencies: issue numbers in this repository, `owner/repo#N` elsewhere. */
  dependsOn: Array<number | string>;
  /** The SPEC's acceptance criteria as written. */
  criteria: string[];
}

/** What the block needs of a SPEC. */
export interface BatchDataSource {
  title: string;
  body: string;
  dependencies: readonly IssueRef[];
}

export interface BatchDataInput {
  batch: number;
  agent: string;
  /** SPEC numbers in batch order, and which of them are priority fixes (the batch metadata's `specs`, `fixes`). */
  specs: readonly number[];
  fixes: readonly number[];
  source: (number: number) => BatchDataSource | undefined;
  repo: RepoRef;
  /** The web address of an issue of this repository. */
  issueUrl: (number: number) => string;
  validators: { b1: readonly string[]; b2: readonly string[] };
  commands: Readonly<Record<string, string>>;
}

export const BATCH_DATA_KIND = "batch-data";
export const DATA_START = "<!-- batchbot:data -->";
export const DATA_END = "<!-- /batchbot:data -->";
export const DATA_SUMMARY = "<summary>Batch data</summary>";
/** GitHub's limit on an issue body, in characters. */
export const MAX_BODY = 65_536;
/** Room kept free for the report section batchbot writes into the body later. */
export const REPORT_RESERVE = 10_000;

export function buildBatchData(input: BatchDataInput): BatchData {
  const fixes = new Set(input.fixes);
  return {
    version: 1,
    batch: input.batch,
    agent: input.agent,
    specs: input.specs.map((number, i) => {
      const source = input.source(number);
      return {
        number,
        url: input.issueUrl(number),
        title: source?.title ?? "",
        kind: fixes.has(number) ? "fix" : "new",
        order: i + 1,
        dependsOn: (source?.dependencies ?? []).map((ref) =>
          sameRepo(ref, input.repo) ? ref.number : shortRef(ref, { owner: "", repo: "" }),
        ),
        criteria: acceptanceCriteria(source?.body),
      };
    }),
    validators: { b1: [...input.validators.b1], b2: [...input.validators.b2] },
    commands: { ...input.commands },
  };
}

/** JSON that can't end a fenced code block: backticks (only ever inside strings) are written as `\u0060`. */
function fencedJson(data: BatchData): string {
  return JSON.stringify(data, null, 2).replace(/`/g, "\\u0060");
}

/** The section: the collapsed, readable block (unless `visible` is false) and the hidden copy. */
export function renderBatchData(data: BatchData, visible = true): string {
  const readable = visible
    ? ["<details>", DATA_SUMMARY, "", "```json", fencedJson(data), "```", "", "</details>"]
    : [];
  return [DATA_START, ...readable, encodeMetadata(BATCH_DATA_KIND, data), DATA_END].join("\n");
}

/** The same batch with less text, for bodies that would grow past GitHub's limit. */
function shrunk(data: BatchData, criteria: number): BatchData {
  return { ...data, specs: data.specs.map((s) => ({ ...s, criteria: s.criteria.slice(0, criteria) })) };
}

/**
 * The body with its batch data section replaced (or added before the report section, or at the end),
 * kept under GitHub's body limit with room for the report: criteria are shortened first, then the readable copy
 * is left out (the hidden one stays). Returns the body unchanged (the same string) when nothing changes.
 */
export function withBatchData(body: string, data: BatchData): string {
  const attempts: Array<[BatchData, boolean]> = [
    [data, true],
    [shrunk(data, 5), true],
    [shrunk(data, 0), true],
    [shrunk(data, 0), false],
  ];
  let next = body;
  for (const [candidate, visible] of attempts) {
    next = placeSection(body, renderBatchData(candidate, visible));
    if (next.length <= MAX_BODY - REPORT_RESERVE) break;
  }
  return next;
}

function placeSection(body: string, section: string): string {
  const start = body.indexOf(DATA_START);
  const end = start === -1 ? -1 : body.indexOf(DATA_END, start);
  if (start !== -1 && end !== -1) {
    const next = body.slice(0, start) + section + body.slice(end + DATA_END.length);
    return next === body ? body : next;
  }
  const at = body.indexOf(REPORT_START);
  if (at === -1) return `${body.replace(/\s*$/, "")}\n\n${section}\n`;
  return `${body.slice(0, at).replace(/\s*$/, "")}\n\n${section}\n${body.slice(at)}`;
}

/** The batch data of an issue body: the hidden copy, or else the readable one; null when there is none. */
export function parseBatchData(body: string | null | undefined): BatchData | null {
  if (!body) return null;
  const hidden = decodeMetadata<unknown>(body, BATCH_DATA_KIND);
  if (isBatchData(hidden)) return hidden;
  const summary = body.indexOf(DATA_SUMMARY);
  if (summary === -1) return null;
  const fence = /```json\n([\s\S]*?)\n```/.exec(body.slice(summary).replace(/\r\n?/g, "\n"));
  if (!fence) return null;
  try {
    const parsed: unknown = JSON.parse(fence[1]!);
    return isBatchData(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isBatchData(value: unknown): value is BatchData {
  const data = value as Partial<BatchData> | null;
  return (
    !!data &&
    data.version === 1 &&
    typeof data.batch === "number" &&
    typeof data.agent === "string" &&
    Array.isArray(data.specs)
  );
}

/**
 * The body with its batch data narrowed to `specs` (the batch's SPECs now: `/batch release` takes some out), in
 * their batch order. Unchanged (the same string) when the block already lists exactly those, or has none.
 */
export function withBatchSpecs(body: string, specs: readonly number[]): string {
  const data = parseBatchData(body);
  if (!data) return body;
  const kept = specs.flatMap((n) => data.specs.filter((s) => s.number === n));
  if (kept.length === data.specs.length && kept.every((s, i) => s === data.specs[i])) return body;
  return withBatchData(body, { ...data, specs: kept.map((s, i) => ({ ...s, order: i + 1 })) });
}
