import { shownLines } from "./markdown.js";
import {
  DEFAULT_HOSTS,
  type IssueRef,
  type RepoRef,
  referencePattern,
  refFromMatch,
  refKey,
} from "./references.js";

/** GitHub's closing keywords; each reference needs its own (`Fixes #1, fixes #2`), as on GitHub. */
export const CLOSING_KEYWORDS = [
  "close",
  "closes",
  "closed",
  "fix",
  "fixes",
  "fixed",
  "resolve",
  "resolves",
  "resolved",
] as const;

const patternCache = new Map<string, RegExp>();

function closingPattern(hosts: readonly string[]): RegExp {
  const key = hosts.join(",");
  let pattern = patternCache.get(key);
  if (!pattern) {
    pattern = new RegExp(
      `(?<![A-Za-z0-9_])(?:${CLOSING_KEYWORDS.join("|")})(?:\\s*:\\s*|\\s+)${referencePattern(hosts)}`,
      "gi",
    );
    patternCache.set(key, pattern);
  }
  return pattern;
}

/**
 * The issues a pull request body says it closes (`Closes #12`, `fixes acme/api#3`, `Resolves: <issue url>`), in
 * order of first mention, without duplicates. Code, quotes and HTML comments are ignored.
 */
export function parseClosingReferences(
  body: string | null | undefined,
  home: RepoRef,
  hosts: readonly string[] = DEFAULT_HOSTS,
): IssueRef[] {
  if (!body) return [];
  const pattern = closingPattern(hosts);
  const found = new Map<string, IssueRef>();
  for (const line of shownLines(body)) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
      const ref = refFromMatch(m, home);
      if (!found.has(refKey(ref))) found.set(refKey(ref), ref);
    }
  }
  return [...found.values()];
}
