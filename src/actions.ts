import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { createProbot, type Logger, type Probot, type ProbotOctokit } from "probot";
import { batchbot } from "./app.js";
import type { GitHub } from "./github/graphql.js";
import { batchbotOctokit, githubClientSettings } from "./infra/github-client.js";
import { Jobs, localJobSettings } from "./jobs/jobs.js";

/** The login the workflow token acts as: its comments and label changes come from this account. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * GitHub Actions entry (`node dist/actions.js` in a workflow): handles the one event that started the run,
 * with the workflow's token, and exits; no server, no app registration. Written on Probot 14's own
 * `createProbot` and `receive`: `@probot/adapter-github-actions` 4.x depends on Probot 13.
 * Returns the exit code: 0 handled (or nothing to do), 1 when the run could not handle the event.
 */
export async function runInActions(
  env: NodeJS.ProcessEnv = process.env,
  options: { log?: Logger; Octokit?: typeof ProbotOctokit } = {},
): Promise<number> {
  const log = options.log ?? pino({ level: env.LOG_LEVEL ?? "info" });
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  const token = env.GITHUB_TOKEN;
  const missing = [
    ...(name ? [] : ["GITHUB_EVENT_NAME"]),
    ...(path ? [] : ["GITHUB_EVENT_PATH"]),
    ...(token ? [] : ["GITHUB_TOKEN"]),
  ];
  if (missing.length) {
    log.error(`batchbot: ${missing.join(", ")} not set; pass the workflow token as GITHUB_TOKEN`);
    return 1;
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(await readFile(path!, "utf8"));
  } catch (error) {
    log.error({ err: error }, `batchbot: cannot read the event payload at ${path}`);
    return 1;
  }
  const server = new URL(env.GITHUB_SERVER_URL ?? "https://github.com");
  const probot = createProbot({
    env: { ...env, LOG_LEVEL: undefined },
    overrides: {
      githubToken: token!,
      log,
      baseUrl: env.GITHUB_API_URL ?? "https://api.github.com",
      Octokit: options.Octokit ?? batchbotOctokit(githubClientSettings(env)),
    },
  });
  const jobs = new Jobs(localJobSettings());
  await probot.load(
    batchbot({
      botLogin: env.BATCHBOT_BOT_LOGIN ?? ACTIONS_BOT,
      hosts: [...new Set(["github.com", server.host])],
      jobs,
    }),
  );
  if (name === "schedule") return sweepRepository(probot, jobs, env.GITHUB_REPOSITORY ?? payload, log);
  try {
    await probot.receive({
      id: `${env.GITHUB_RUN_ID ?? "local"}.${env.GITHUB_RUN_ATTEMPT ?? "1"}`,
      name,
      payload,
    } as Parameters<typeof probot.receive>[0]);
    return 0;
  } catch (error) {
    log.error({ err: error }, `batchbot: handling ${name} failed`);
    return 1;
  }
}

/**
 * A `schedule` run (the workflow's cron): the reconcile sweep for the workflow's own repository, what `/batch sync`
 * runs, writing only drift. There is no app here, so no delivery log to redeliver from.
 */
async function sweepRepository(
  probot: Probot,
  jobs: Jobs,
  repository: string | Record<string, unknown>,
  log: Logger,
): Promise<number> {
  const fullName =
    typeof repository === "string"
      ? repository
      : String((repository.repository as { full_name?: string } | undefined)?.full_name ?? "");
  const [owner, repo] = fullName.split("/");
  if (!owner || !repo) {
    log.error("batchbot: a schedule run needs GITHUB_REPOSITORY (owner/name)");
    return 1;
  }
  const sweep = await jobs.reconcileRepository((await probot.auth()) as GitHub, { owner, repo });
  return sweep.outcome === "failed" ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href)
  process.exitCode = await runInActions();
