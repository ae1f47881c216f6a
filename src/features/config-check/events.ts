import type { Context } from "probot";
import { repoOf } from "../shared/deps.js";
import { type ConfigProbe, checkPushedConfig, type PushPayload, touchesConfig } from "./run.js";

/** `push`: a pushed `.github/batch.yml` or batch template gets a `batchbot config` check run on that commit. */
export function configCheck(probes: readonly ConfigProbe[]) {
  return async (context: Context<"push">): Promise<void> => {
    const payload = context.payload as unknown as PushPayload;
    if (!touchesConfig(payload)) return;
    await checkPushedConfig(context.octokit, repoOf(context), payload.after, probes);
  };
}
