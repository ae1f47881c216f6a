import type { Context } from "probot";
import { configCheckGitHub } from "../../github/config-check-port.js";
import { repoOf } from "../shared/deps.js";
import {
  type ConfigProbe,
  checkPushedConfig,
  type PushPayload,
  probeFindings,
  touchesConfig,
} from "./run.js";

/** `push`: a pushed `.github/batch.yml` or batch template gets a `batchbot config` check run on that commit. */
export function configCheck(probes: readonly ConfigProbe[]) {
  return async (context: Context<"push">): Promise<void> => {
    const payload = context.payload as unknown as PushPayload;
    if (!touchesConfig(payload)) return;
    const repo = repoOf(context);
    const port = configCheckGitHub(context.octokit, repo, (config) =>
      probeFindings(context.octokit, repo, config, probes),
    );
    await checkPushedConfig(port, payload.after);
  };
}
