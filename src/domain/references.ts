/** A reference to an issue (or pull request) anywhere on the GitHub host. */
export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Canonical key of an issue: `owner/repo#N`, owner and repo lower-cased as GitHub treats them. */
export function refKey(ref: IssueRef): string {
  return `${lower(ref.owner)}/${lower(ref.repo)}#${ref.number}`;
}

const UPPER = /[A-Z]/;
/** Lower-cases without allocating when there's nothing to change (keys are built for every edge of the graph). */
function lower(s: string): string {
  return UPPER.test(s) ? s.toLowerCase() : s;
}

export function parseRefKey(key: string): IssueRef {
  const match = /^([^/]+)\/([^#]+)#(\d+)$/.exec(key);
  if (!match) throw new Error(`not an issue key: ${key}`);
  return { owner: match[1]!, repo: match[2]!, number: Number(match[3]) };
}

export function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}

/** How a reference reads from inside `home`: `#12` there, `owner/repo#12` elsewhere. */
export function shortRef(ref: IssueRef, home: RepoRef): string {
  return sameRepo(ref, home) ? `#${ref.number}` : `${ref.owner}/${ref.repo}#${ref.number}`;
}

const OWNER = "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}";
const REPO = "[A-Za-z0-9._-]{1,100}";
const NUMBER = "[1-9][0-9]{0,9}";

/**
 * One issue reference: `#12`, `GH-12`, `owner/repo#12`, `https://host/owner/repo/issues/12` (also `/pull/12`), or
 * such an address as a markdown link (`[text](https://host/owner/repo/issues/12)`, what GitHub's editor makes of a
 * URL pasted over selected text). Capture groups: 1–3 link owner, repo, number; 4–6 URL owner, repo, number;
 * 7–9 owner, repo, number (`refFromMatch` reads them).
 */
export function referencePattern(hosts: readonly string[]): string {
  const hostAlternatives = hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const address = (n: string) =>
    `https?://(?:www\\.)?(?:${hostAlternatives})/(${OWNER})/(${REPO})/(?:issues|pull)/(${n})`;
  const link = `\\[[^\\[\\]\\n]*\\]\\(\\s*<?${address(NUMBER)}(?:[#?/][^\\s()<>]*)?>?(?:\\s+(?:"[^"\\n]*"|'[^'\\n]*'))?\\s*\\)`;
  const url = `${address(NUMBER)}(?![0-9])`;
  const short = `(?:(?:(${OWNER})/(${REPO}))?#|(?<![A-Za-z0-9_])GH-)(${NUMBER})(?![0-9A-Za-z_])`;
  return `(?:${link}|${url}|${short})`;
}

export function refFromMatch(match: RegExpExecArray | string[], home: RepoRef, offset = 0): IssueRef {
  const g = (i: number) => match[offset + i];
  if (g(3) !== undefined) return { owner: g(1)!, repo: g(2)!, number: Number(g(3)) };
  if (g(6) !== undefined) return { owner: g(4)!, repo: g(5)!, number: Number(g(6)) };
  if (g(7) !== undefined) return { owner: g(7)!, repo: g(8)!, number: Number(g(9)) };
  return { owner: home.owner, repo: home.repo, number: Number(g(9)) };
}

export const DEFAULT_HOSTS = ["github.com"] as const;
