import deepmerge from "deepmerge";
import { type ConfigResult, parseConfig } from "../domain/config.js";
import type { RepoRef } from "../domain/references.js";
import type { GitHub } from "./graphql.js";

export const CONFIG_PATH = ".github/batch.yml";

/**
 * The repository's configuration, as Probot's `context.config` reads it: the repository's file, else the owner's
 * `.github` repository's, then every `_extends` base. A later file's arrays replace a base's (an `agents:` list
 * in a repository is not appended to the organisation's). `ref` reads the file as pushed at that commit.
 */
export async function loadRepoConfig(octokit: GitHub, repo: RepoRef, ref?: string): Promise<ConfigResult> {
  try {
    const { config, files } = await octokit.config.get({
      owner: repo.owner,
      repo: repo.repo,
      path: CONFIG_PATH,
      ...(ref ? { branch: ref } : {}),
      defaults: (configs: Record<string, unknown>[]) =>
        deepmerge.all<Record<string, unknown>>([{}, ...configs], { arrayMerge: (_base, source) => source }),
    });
    return parseConfig(files.some((f) => f.config !== null) ? config : null);
  } catch (error) {
    return { ok: false, problems: [{ path: "(file)", message: readableError(error) }] };
  }
}

function readableError(error: unknown): string {
  const e = error as Error & { cause?: Error };
  const cause = e.cause?.message ? `: ${e.cause.message.split("\n")[0]}` : "";
  return `${e.message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, "")}${cause}`;
}
