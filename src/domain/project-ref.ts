import type { BatchConfig } from "./config.js";

/** The Projects (v2) board of `.github/batch.yml`: `{owner, number}` or a project URL. */
export interface ProjectRef {
  owner: string;
  number: number;
  /** Known when the configuration gave a URL (`/orgs/...` or `/users/...`); `null` for `{owner, number}`. */
  ownerType: "Organization" | "User" | null;
}

const PROJECT_URL = /^https?:\/\/[^/]+\/(orgs|users)\/([^/]+)\/projects\/(\d+)\/?$/;

export function projectRef(project: BatchConfig["project"]): ProjectRef | null {
  if (!project) return null;
  if ("url" in project) {
    const match = PROJECT_URL.exec(project.url);
    if (!match) return null;
    return {
      owner: match[2]!,
      number: Number(match[3]),
      ownerType: match[1] === "orgs" ? "Organization" : "User",
    };
  }
  return { owner: project.owner, number: project.number, ownerType: null };
}

export function describeProject(ref: ProjectRef): string {
  return `project ${ref.number} of ${ref.owner}`;
}
