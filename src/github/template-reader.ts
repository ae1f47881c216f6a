import {
  DEFAULT_TEMPLATE,
  parseTemplate,
  TEMPLATE_PATH,
  type TemplateResult,
} from "../domain/batch-template.js";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

/** The repository's `.github/batch-template.md` (at `ref`, else the default branch), checked; the seed's when absent. */
export async function loadBatchTemplate(
  octokit: GitHub,
  repo: RepoRef,
  ref?: string,
): Promise<TemplateResult> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path: TEMPLATE_PATH,
      ...(ref ? { ref } : {}),
      mediaType: { format: "raw" },
    });
    return parseTemplate(typeof data === "string" ? data : String(data));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { ok: true, template: DEFAULT_TEMPLATE };
    return { ok: false, problems: [{ path: "(file)", message: (error as Error).message }] };
  }
}
