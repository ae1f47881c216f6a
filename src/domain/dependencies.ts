import { shownLines } from "./markdown.js";
import {
  DEFAULT_HOSTS,
  type IssueRef,
  type RepoRef,
  referencePattern,
  refFromMatch,
  refKey,
} from "./references.js";

export const DEPENDENCY_KEYWORDS = ["depends on", "blocked by", "requires", "after"] as const;

interface Patterns {
  keywordLine: RegExp;
  reference: RegExp;
  taskItem: RegExp;
}

const patternCache = new Map<string, Patterns>();

function patternsFor(hosts: readonly string[]): Patterns {
  const cacheKey = hosts.join(",");
  const cached = patternCache.get(cacheKey);
  if (cached) return cached;
  const ref = referencePattern(hosts);
  const keywords = DEPENDENCY_KEYWORDS.map((k) => k.replace(" ", "\\s+")).join("|");
  // The keyword, in bold or not, with an optional colon: `Depends on`, `**Blocked by:**`, `requires:`.
  const keyword = `(?:\\*\\*|__)?(?:${keywords})(?:\\*\\*|__)?\\s*:?(?:\\*\\*|__)?\\s*`;
  // `,` / `, and` / `and` / `&`, and the keyword may be repeated after it: `Resolves #1, resolves #2`.
  const separator = `\\s*(?:,\\s*(?:and\\s+)?|\\band\\b|&)\\s*(?:${keyword})?`;
  const patterns: Patterns = {
    // "Depends on #1, #2 and acme/api#3" at the start of a line, optionally as a list item or in bold.
    keywordLine: new RegExp(`^\\s*(?:[-*+]\\s+|\\d+[.)]\\s+)?${keyword}(${ref}(?:${separator}${ref})*)`, "i"),
    reference: new RegExp(ref, "gi"),
    taskItem: new RegExp(`^\\s*[-*+]\\s+\\[[ xX]\\]\\s+(?:\\*\\*|__)?${ref}`, "i"),
  };
  patternCache.set(cacheKey, patterns);
  return patterns;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * How many dependencies one SPEC may name. Past it the SPEC is `blocked` with one line saying so, and batchbot reads
 * and mirrors none past the first `MAX_DEPENDENCIES` (a body naming thousands would otherwise cost a read per 100).
 * GitHub's own native dependencies stop at 50 per issue and kind.
 */
export const MAX_DEPENDENCIES = 100;

/**
 * The dependencies a SPEC body names, in order of first mention, without duplicates:
 * keyword lines (`Depends on #12, #15`, `Blocked by acme/api#3`, `Requires <issue url>`, `After #4`)
 * and task-list items under a `Dependencies` heading. Code, quotes, comments and HTML code are ignored
 * (`shownLines`). At most `limit` are returned (one more when there are more, so callers can tell).
 */
export function parseDependencies(
  body: string | null | undefined,
  home: RepoRef,
  hosts: readonly string[] = DEFAULT_HOSTS,
  limit = MAX_DEPENDENCIES,
): IssueRef[] {
  if (!body) return [];
  // A backslash escape shows its character: `\\#2` reads as `#2`, `\\*\\*Depends on\\*\\*` as bold.
  return dependenciesInLines(shownLines(body), home, hosts, limit);
}

/** The dependencies named in `lines`, text as a reader sees it (see `parseDependencies`). */
export function dependenciesInLines(
  lines: readonly string[],
  home: RepoRef,
  hosts: readonly string[] = DEFAULT_HOSTS,
  limit = MAX_DEPENDENCIES,
): IssueRef[] {
  const { keywordLine, reference, taskItem } = patternsFor(hosts);
  // A body names a handful of dependencies: arrays beat a Map here, and no closure is made per body.
  const found: IssueRef[] = [];
  const keys: string[] = [];
  let dependencySectionLevel = 0;
  for (const line of lines) {
    if (found.length > limit) break;
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      if (/^dependencies$/i.test(heading[2]!.replace(/[*_:]/g, "").trim())) dependencySectionLevel = level;
      else if (dependencySectionLevel && level <= dependencySectionLevel) dependencySectionLevel = 0;
      continue;
    }
    // Every reference holds `#`, `GH-` or `/issues/` / `/pull/`: most lines are rejected without running the patterns.
    if (!line.includes("#") && !/\/(?:issues|pull)\/|gh-/i.test(line)) continue;
    const keyword = keywordLine.exec(line);
    if (keyword) {
      reference.lastIndex = 0;
      for (let m = reference.exec(keyword[1]!); m && found.length <= limit; m = reference.exec(keyword[1]!))
        addOnce(found, keys, refFromMatch(m, home));
      continue;
    }
    if (dependencySectionLevel) {
      const item = taskItem.exec(line);
      if (item) addOnce(found, keys, refFromMatch(item, home));
    }
  }
  return found;
}

function addOnce(found: IssueRef[], keys: string[], ref: IssueRef): void {
  const key = refKey(ref);
  if (keys.includes(key)) return;
  keys.push(key);
  found.push(ref);
}
