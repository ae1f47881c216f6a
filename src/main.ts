import { run } from "probot";
import { batchbot } from "./app.js";
import { batchbotOctokit, githubClientSettings } from "./infra/github-client.js";
import { Metrics } from "./infra/metrics.js";
import { planningLock } from "./infra/planning-lock.js";
import { Jobs, jobSettings } from "./jobs/jobs.js";

/**
 * The server (`npm start`, the Docker image): Probot's `run` with batchbot's GitHub client policy, so the retry,
 * rate-limit and timeout settings and the request metrics apply to every installation's client. Probot reads
 * the rest of its configuration (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, HOST, REDIS_URL...) from the env.
 * The periodic jobs (redelivery of failed deliveries, the reconcile sweep) start with the app, one interval later.
 */
const metrics = new Metrics({ process: true });
const jobs = new Jobs(jobSettings(process.env, (error) => console.error(`jobs: ${error.message}`)));
const server = await run(
  batchbot({
    metrics,
    lock: planningLock(process.env, (error) => console.error(`planning lock: ${error.message}`)),
    maxWebhookBytes: Number(process.env.BATCHBOT_WEBHOOK_MAX_BYTES) || undefined,
    jobs,
  }),
  { Octokit: batchbotOctokit(githubClientSettings(process.env), metrics) },
);

// Orchestrators stop containers with SIGTERM: finish the requests in flight, then exit.
process.once("SIGTERM", () => {
  jobs.stop();
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
