import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
const RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function atLeast(permission: Permission, wanted: Permission): boolean {
  return RANK[permission] >= RANK[wanted];
}

/** A user's permission on a repository (`maintain` and `triage` come from the role name). */
export async function permissionOf(octokit: GitHub, repo: RepoRef, login: string): Promise<Permission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: repo.owner,
      repo: repo.repo,
      username: login,
    });
    const role = (data as { role_name?: string }).role_name;
    if (role === "maintain" || role === "triage") return role;
    return (data.permission as Permission) ?? "none";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return "none";
    throw error;
  }
}

/** Whether `login` is an active member of the team `org/slug`. */
export async function isTeamMember(
  octokit: GitHub,
  org: string,
  teamSlug: string,
  login: string,
): Promise<boolean> {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: teamSlug,
      username: login,
    });
    return data.state === "active";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/**
 * Whether `login` may run planning commands: write, maintain or admin on the repository, or listed in
 * `commanders` (a login, or an `org/team` whose active members count). Asks GitHub only as far as needed.
 */
export async function mayCommand(
  octokit: GitHub,
  repo: RepoRef,
  login: string,
  commanders: readonly string[],
): Promise<boolean> {
  const lower = login.toLowerCase();
  if (commanders.some((c) => !c.includes("/") && c.toLowerCase() === lower)) return true;
  if (atLeast(await permissionOf(octokit, repo, login), "write")) return true;
  for (const team of commanders.filter((c) => c.includes("/"))) {
    const [org, slug] = team.split("/") as [string, string];
    if (await isTeamMember(octokit, org, slug, login)) return true;
  }
  return false;
}
