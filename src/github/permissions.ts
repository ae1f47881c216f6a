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
