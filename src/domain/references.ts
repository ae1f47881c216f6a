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
 * One issue reference: `#12`, `owner/repo#12` or `https://host/owner/repo/issues/12` (also `/pull/12`).
 * Capture groups: 1 url-owner, 2 url-repo, 3 url-number, 4 owner, 5 repo, 6 number.
 */
export function referencePattern(hosts: readonly string[]): string {
  const hostAlternatives = hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const url = `https?://(?:www\\.)?(?:${hostAlternatives})/(${OWNER})/(${REPO})/(?:issues|pull)/(${NUMBER})(?![0-9])`;
  const short = `(?:(${OWNER})/(${REPO}))?#(${NUMBER})(?![0-9A-Za-z_])`;
  return `(?:${url}|${short})`;
}

export function refFromMatch(match: RegExpExecArray | string[], home: RepoRef, offset = 0): IssueRef {
  const g = (i: number) => match[offset + i];
  if (g(3) !== undefined) return { owner: g(1)!, repo: g(2)!, number: Number(g(3)) };
  if (g(4) !== undefined) return { owner: g(4)!, repo: g(5)!, number: Number(g(6)) };
  return { owner: home.owner, repo: home.repo, number: Number(g(6)) };
}

export const DEFAULT_HOSTS = ["github.com"] as const;
