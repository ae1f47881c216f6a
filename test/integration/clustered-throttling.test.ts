import { Redis } from "ioredis";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { expect, inject, it } from "vitest";
import { batchbotOctokit } from "../../src/infra/github-client.js";
import { Metrics } from "../../src/infra/metrics.js";
import { FAST_CLIENT } from "../helpers/github-client.js";

it("with REDIS_URL, Probot's throttling runs on Redis (shared by every instance) under batchbot's policy", async () => {
  const url = inject("redisUrl");
  const metrics = new Metrics();
  const probot = new Probot({
    githubToken: "test-token",
    redisConfig: url,
    log: pino({ level: "silent" }),
    Octokit: batchbotOctokit(FAST_CLIENT, metrics),
  });
  const octokit = await probot.auth();
  nock("https://api.github.com")
    .get("/repos/acme/specs")
    .reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "1" })
    .get("/repos/acme/specs")
    .reply(200, { id: 7 });
  const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" });
  expect(data).toEqual({ id: 7 });
  expect(await metrics.count("githubRetries", { reason: "secondary_rate_limit" })).toBe(1);

  const redis = new Redis(url);
  const keys = await redis.keys("b_octokit-global*");
  redis.disconnect();
  expect(keys.length).toBeGreaterThan(0);
});
