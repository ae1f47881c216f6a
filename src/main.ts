import { run } from "probot";
import { batchbot } from "./app.js";
import { batchbotOctokit, githubClientSettings } from "./infra/github-client.js";
import { Metrics } from "./infra/metrics.js";
import { planningLock } from "./infra/planning-lock.js";
import { serverLog } from "./infra/server-log.js";
import { dotEnv, startFailure, startupCheck } from "./infra/startup.js";
import { Jobs, jobSettings } from "./jobs/jobs.js";

/**
 * The server (`npm start`, the Docker image): Probot's `run` with batchbot's GitHub client policy, so the retry,
 * rate-limit and timeout settings and the request metrics apply to every installation's client. Probot reads
 * the rest of its configuration (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, HOST, REDIS_URL...) from the env.
 * The periodic jobs (redelivery of failed deliveries, the reconcile sweep) start with the app, one interval later.
 */
Object.assign(process.env, dotEnv(process.cwd()));
const startup = startupCheck(process.env, process.cwd());
if (startup.mode === "fail") {
  console.error(`batchbot: ${startup.message}`);
  process.exit(1);
}
if (startup.mode === "setup") console.log(`\n${startup.message}\n`);
const log = await serverLog(process.env);
const metrics = new Metrics({ process: true });
const jobs = new Jobs(jobSettings(process.env, (error) => console.error(`jobs: ${error.message}`)));
let server: Awaited<ReturnType<typeof run>>;
try {
  server = await run(
    batchbot({
      metrics,
      lock: planningLock(process.env, (error) => console.error(`planning lock: ${error.message}`)),
      maxWebhookBytes: Number(process.env.BATCHBOT_WEBHOOK_MAX_BYTES) || undefined,
      jobs,
    }),
    { Octokit: batchbotOctokit(githubClientSettings(process.env), metrics), log },
  );
} catch (error) {
  // The port in use, an unreachable WEBHOOK_PROXY_URL...: one line, not a dump of the error object.
  console.error(`batchbot: can't start: ${startFailure(error, process.env)}`);
  process.exit(1);
}

// Orchestrators stop containers with SIGTERM: finish the requests in flight, then exit.
process.once("SIGTERM", () => {
  jobs.stop();
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
