import { visibleLines } from "./markdown.js";
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
  const separator = "\\s*(?:,\\s*(?:and\\s+)?|\\band\\b|&)\\s*";
  const keywords = DEPENDENCY_KEYWORDS.map((k) => k.replace(" ", "\\s+")).join("|");
  const patterns: Patterns = {
    // "Depends on #1, #2 and acme/api#3" at the start of a line, optionally as a list item or in bold.
    keywordLine: new RegExp(
      `^\\s*(?:[-*+]\\s+|\\d+[.)]\\s+)?(?:\\*\\*|__)?(?:${keywords})(?:\\*\\*|__)?\\s*:?(?:\\*\\*|__)?\\s*(${ref}(?:${separator}${ref})*)`,
      "i",
    ),
    reference: new RegExp(ref, "g"),
    taskItem: new RegExp(`^\\s*[-*+]\\s+\\[[ xX]\\]\\s+(?:\\*\\*|__)?${ref}`),
  };
  patternCache.set(cacheKey, patterns);
  return patterns;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * The dependencies a SPEC body names, in order of first mention, without duplicates:
 * keyword lines (`Depends on #12, #15`, `Blocked by acme/api#3`, `Requires <issue url>`, `After #4`)
 * and task-list items under a `Dependencies` heading. Code and quotes are ignored.
 */
export function parseDependencies(
  body: string | null | undefined,
  home: RepoRef,
  hosts: readonly string[] = DEFAULT_HOSTS,
): IssueRef[] {
  if (!body) return [];
  const { keywordLine, reference, taskItem } = patternsFor(hosts);
  // A body names a handful of dependencies: arrays beat a Map here, and no closure is made per body.
  const found: IssueRef[] = [];
  const keys: string[] = [];
  let dependencySectionLevel = 0;
  for (const line of visibleLines(body)) {
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      if (/^dependencies$/i.test(heading[2]!.replace(/[*_:]/g, "").trim())) dependencySectionLevel = level;
      else if (dependencySectionLevel && level <= dependencySectionLevel) dependencySectionLevel = 0;
      continue;
    }
    // Every reference holds `#` or `/issues/` / `/pull/`: most lines are rejected without running the patterns.
    if (!line.includes("#") && !line.includes("/issues/") && !line.includes("/pull/")) continue;
    const keyword = keywordLine.exec(line);
    if (keyword) {
      reference.lastIndex = 0;
      for (let m = reference.exec(keyword[1]!); m; m = reference.exec(keyword[1]!))
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
