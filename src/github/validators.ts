import type { BatchConfig } from "../domain/config.js";
import { sameLogin } from "../domain/login.js";
import type { Eligibility } from "../domain/quality-gate.js";
import type { RepoRef } from "../domain/references.js";
import { STAGES, type Stage } from "../domain/stage-commands.js";
import type { GitHub } from "./graphql.js";
import { atLeast, isTeamMember, permissionOf } from "./permissions.js";

/**
 * Answers read from GitHub while handling one event (team memberships, permissions). Made fresh for every event and
 * passed along, never kept across events: a removed team member stops counting with the next event.
 */
export class EventCache {
  private answers = new Map<string, Promise<boolean>>();
  /** Requests that went to GitHub (cache misses). */
  requests = 0;

  get(key: string, read: () => Promise<boolean>): Promise<boolean> {
    let answer = this.answers.get(key);
    if (!answer) {
      this.requests++;
      answer = read();
      this.answers.set(key, answer);
    }
    return answer;
  }
}

export interface Candidate {
  login: string;
  /** GitHub said (on a review) that this person can push to the repository. */
  canPush?: boolean;
}

async function canWrite(octokit: GitHub, repo: RepoRef, candidate: Candidate, cache: EventCache) {
  if (candidate.canPush) return true;
  return cache.get(`permission:${candidate.login.toLowerCase()}`, async () =>
    atLeast(await permissionOf(octokit, repo, candidate.login), "write"),
  );
}

/**
 * Whether `candidate` may validate `stage`: a listed user, a member of a listed team (`org/slug`), or, when the
 * stage lists nobody, any collaborator with write access or more.
 */
export async function canValidate(
  octokit: GitHub,
  repo: RepoRef,
  config: BatchConfig,
  stage: Stage,
  candidate: Candidate,
  cache: EventCache,
): Promise<boolean> {
  const principals = config.validation?.[stage] ?? [];
  if (principals.length === 0) return canWrite(octokit, repo, candidate, cache);
  if (principals.some((p) => !p.includes("/") && sameLogin(p, candidate.login))) return true;
  for (const principal of principals.filter((p) => p.includes("/"))) {
    const [org, slug] = principal.split("/") as [string, string];
    const key = `team:${principal.toLowerCase()}:${candidate.login.toLowerCase()}`;
    if (await cache.get(key, () => isTeamMember(octokit, org, slug, candidate.login))) return true;
  }
  return false;
}

/** The stages each candidate may validate. */
export async function resolveEligibility(
  octokit: GitHub,
  repo: RepoRef,
  config: BatchConfig,
  candidates: Iterable<Candidate>,
  cache: EventCache,
): Promise<Eligibility> {
  const merged = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = c.login.toLowerCase();
    const seen = merged.get(key);
    merged.set(key, { login: c.login, canPush: !!(seen?.canPush || c.canPush) });
  }
  const out = new Map<string, Set<Stage>>();
  for (const [key, candidate] of merged) {
    const stages = new Set<Stage>();
    for (const stage of STAGES)
      if (await canValidate(octokit, repo, config, stage, candidate, cache)) stages.add(stage);
    out.set(key, stages);
  }
  return out;
}
