import { type AppDeps, repoOf } from "../shared/deps.js";
import { checkPushedConfig, type PushPayload, touchesConfig } from "./run.js";

/** A pushed `.github/batch.yml` gets a `batchbot config` check run on that commit. */
export function registerConfigCheck(deps: AppDeps): void {
  deps.app.on("push", async (context) => {
    const payload = context.payload as unknown as PushPayload;
    if (!touchesConfig(payload)) return;
    await checkPushedConfig(context.octokit, repoOf(context), payload.after, deps.configProbes);
  });
}
