import Bottleneck from "bottleneck";
import { batchbotOctokit, type GitHubClientSettings } from "../../src/infra/github-client.js";
import { Metrics } from "../../src/infra/metrics.js";

/** Retry and rate-limit policy on, with every wait shrunk to milliseconds. */
export const FAST_CLIENT: GitHubClientSettings = {
  retries: 3,
  retryBaseMs: 1,
  rateLimitRetries: 3,
  maxRateLimitWaitSeconds: 120,
  retryAfterUnitMs: 1,
  timeoutMs: 5000,
  throttle: true,
};

/**
 * Throttle groups without Octokit's pacing (1 s between writes): the throttling plugin still runs and retries
 * rate limits, tests just don't wait a second per GraphQL request.
 */
export function unpacedThrottle() {
  const group = () => new Bottleneck.Group({ maxConcurrent: 50, minTime: 0 });
  return {
    global: group(),
    write: group(),
    search: group(),
    notifications: group(),
    auth: group(),
  };
}

/** batchbot's Octokit class with the fast policy and no pacing, and the metrics it counts into. */
export function fastOctokit(settings: Partial<GitHubClientSettings> = {}) {
  const metrics = new Metrics();
  const Base = batchbotOctokit({ ...FAST_CLIENT, ...settings }, metrics);
  const Octokit = Base.defaults((options: Record<string, any>) => ({
    ...options,
    throttle: { ...options.throttle, ...unpacedThrottle() },
  })) as typeof Base;
  return { Octokit, metrics };
}
