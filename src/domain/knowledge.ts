import type { ReportText } from "./batch-report.js";
import { decodeMetadata, encodeMetadata } from "./metadata.js";
import { type RepoRef, referencePattern, refFromMatch, sameRepo } from "./references.js";

/**
 * The knowledge registry: one issue per repository (label `knowledge`) listing what agents discovered, grouped by
 * domain. The entries live in the body's hidden metadata; the visible list is rendered from them, so writers that
 * raced each other merge their entries instead of overwriting them.
 */
export interface Discovery {
  /** The `/batch discovery` comment: the entry's identity (a redelivery or a second writer can't duplicate it). */
  id: number;
  /** The agent whose batch it came from. */
  agent: string;
  /** Who wrote it down, when not the agent (a maintainer). */
  by?: string;
  at: string;
  /** The batch issue it was reported on. */
  batch: number | null;
  /** SPECs of this repository the text names. */
  specs: number[];
  /** Domains of those SPECs (else of the batch's SPECs); empty for general knowledge. */
  domains: string[];
  text: string;
}

export interface KnowledgeMeta {
  v: 1;
  entries: Discovery[];
  /** Entries up to this time no longer fit in the body and were moved to comments; a merge doesn't bring them back. */
  archivedThrough?: string | null;
}

export const KNOWLEDGE_METADATA_KIND = "knowledge";
export const KNOWLEDGE_TITLE = "📚 Knowledge registry";
/** GitHub refuses bodies over 65,536 characters. */
export const KNOWLEDGE_BODY_LIMIT = 60_000;
export const SUCCESS_PATTERN_SIZE = 5;

export function decodeKnowledge(body: string | null | undefined): KnowledgeMeta {
  const meta = decodeMetadata<KnowledgeMeta>(body, KNOWLEDGE_METADATA_KIND);
  if (meta?.v !== 1 || !Array.isArray(meta.entries)) return { v: 1, entries: [] };
  return meta;
}

const newestFirst = (a: Discovery, b: Discovery) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1);

/** Both registries' entries, each once, oldest first; archived ones stay out. */
export function mergeKnowledge(a: KnowledgeMeta, b: KnowledgeMeta): KnowledgeMeta {
  const archivedThrough = [a.archivedThrough, b.archivedThrough]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  const byId = new Map<number, Discovery>();
  for (const entry of [...a.entries, ...b.entries]) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  const entries = [...byId.values()]
    .filter((e) => !archivedThrough || e.at > archivedThrough)
    .sort((x, y) => newestFirst(y, x));
  return { v: 1, entries, ...(archivedThrough ? { archivedThrough } : {}) };
}

/** Whether every one of `wanted` is in the registry (or was archived from it). */
export function hasEntries(meta: KnowledgeMeta, wanted: readonly Discovery[]): boolean {
  const present = new Set(meta.entries.map((e) => e.id));
  const archived = meta.archivedThrough ?? "";
  return wanted.every((e) => present.has(e.id) || e.at <= archived);
}

/** The SPEC numbers of `repo` that a discovery's text names (`#12`, `acme/specs#12`, an issue URL). */
export function specsNamedIn(text: string, repo: RepoRef, hosts: readonly string[]): number[] {
  const out = new Set<number>();
  for (const match of text.matchAll(new RegExp(referencePattern(hosts), "g"))) {
    const ref = refFromMatch(match, repo);
    if (sameRepo(ref, repo)) out.add(ref.number);
  }
  return [...out];
}

const GENERAL = "General";

function groupOf(entry: Discovery): string {
  return entry.domains.length ? entry.domains.join(" · ") : GENERAL;
}

export function renderDiscovery(entry: Discovery, text: ReportText): string {
  const parts = [entry.at.slice(0, 10), text.name(entry.agent)];
  if (entry.by && entry.by.toLowerCase() !== entry.agent.toLowerCase())
    parts.push(`via ${text.name(entry.by)}`);
  if (entry.batch !== null) parts.push(`batch #${entry.batch}`);
  // The SPECs link (their timelines show the registry); the quoted text links and mentions nothing.
  if (entry.specs.length) parts.push(entry.specs.map((n) => `#${n}`).join(", "));
  return `- ${parts.join(" · ")}: ${text.quote(entry.text)}`;
}

function renderList(entries: readonly Discovery[], text: ReportText): string[] {
  const groups = new Map<string, Discovery[]>();
  for (const entry of [...entries].sort(newestFirst)) {
    const group = groupOf(entry);
    const list = groups.get(group);
    if (list) list.push(entry);
    else groups.set(group, [entry]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === GENERAL ? 1 : b === GENERAL ? -1 : a.localeCompare(b),
  );
  return names.flatMap((name) => [
    `## ${text.quote(name)}`,
    "",
    ...groups.get(name)!.map((e) => renderDiscovery(e, text)),
    "",
  ]);
}

const INTRO = [
  `# ${KNOWLEDGE_TITLE}`,
  "",
  "What agents discovered while working on their batches, shared with `/batch discovery <text>` on a batch issue, grouped by domain, newest first. Every new batch quotes its agent's discoveries and the latest ones from its domains in its SUCCESS PATTERN.",
  "",
  "batchbot keeps this list: it is rebuilt from the hidden data at the end, so edits by hand don't last.",
  "",
];

export interface KnowledgeBody {
  body: string;
  meta: KnowledgeMeta;
  /** Oldest entries that no longer fit in the body, to be kept in a comment. */
  archived: Discovery[];
}

/** The registry's body; when it would exceed GitHub's limit, the oldest entries move out (`archived`). */
export function renderKnowledgeBody(meta: KnowledgeMeta, text: ReportText): KnowledgeBody {
  const kept = [...meta.entries].sort(newestFirst);
  const archived: Discovery[] = [];
  for (;;) {
    const current: KnowledgeMeta = { ...meta, entries: [...kept].reverse() };
    if (archived.length) current.archivedThrough = archived[0]!.at;
    const list = kept.length ? renderList(kept, text) : ["_No discoveries yet._", ""];
    const body = [...INTRO, ...list, encodeMetadata(KNOWLEDGE_METADATA_KIND, current), ""].join("\n");
    if (body.length <= KNOWLEDGE_BODY_LIMIT || kept.length === 0) return { body, meta: current, archived };
    archived.push(...kept.splice(kept.length - Math.max(1, Math.ceil(kept.length / 10))));
    archived.sort(newestFirst);
  }
}

/** The comment that keeps entries the body no longer holds. */
export function renderArchive(entries: readonly Discovery[], text: ReportText): string {
  return [
    `Older discoveries, moved here from the list above to keep it under GitHub's size limit (${entries.length}):`,
    "",
    ...renderList(entries, text),
  ].join("\n");
}

/**
 * The discoveries a new batch's SUCCESS PATTERN quotes: the agent's own and the most recent from its domains,
 * at most `limit`, newest first.
 */
export function successPattern(
  entries: readonly Discovery[],
  agent: string,
  domains: readonly string[],
  limit = SUCCESS_PATTERN_SIZE,
): Discovery[] {
  const wanted = new Set(domains.map((d) => d.toLowerCase()));
  const who = agent.toLowerCase();
  return entries
    .filter((e) => e.agent.toLowerCase() === who || e.domains.some((d) => wanted.has(d.toLowerCase())))
    .sort(newestFirst)
    .slice(0, limit);
}

/** The quoted discoveries, as lines for a batch's SUCCESS PATTERN; empty when there are none. */
export function renderSuccessPattern(
  selected: readonly Discovery[],
  registry: number | null,
  text: ReportText,
): string {
  if (!selected.length) return "";
  const from =
    registry === null ? "From the knowledge registry:" : `From the knowledge registry (#${registry}):`;
  return [from, ...selected.map((e) => renderDiscovery(e, text))].join("\n");
}
