import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { getPrivateKey } from "@probot/get-private-key";

/** What `npm start` should do with the environment it has. */
export type Startup =
  | { mode: "run" }
  | { mode: "setup"; message: string }
  | { mode: "fail"; message: string };

/**
 * The variables of `.env` in the working directory, read as Probot's `run` reads them (`node:util` `parseEnv`)
 * and, as there, meant to be applied over the process's: main.ts does it first, so everything reads one environment.
 */
export function dotEnv(cwd: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(join(cwd, ".env"), "utf8")) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

/** The private key Probot would load (PRIVATE_KEY, PRIVATE_KEY_PATH, or the one .pem file), checked to parse. */
function privateKey(env: NodeJS.ProcessEnv, cwd: string): { key: string | null } | { problem: string } {
  let key: string | null;
  try {
    key = getPrivateKey({ env, cwd });
  } catch (error) {
    return { problem: (error as Error).message.replace(/^\[@probot\/get-private-key\]\s*/, "") };
  }
  if (key === null) return { key: null };
  try {
    createPrivateKey(key);
    return { key };
  } catch {
    const source = env.PRIVATE_KEY
      ? "PRIVATE_KEY"
      : env.PRIVATE_KEY_PATH
        ? `PRIVATE_KEY_PATH (${env.PRIVATE_KEY_PATH})`
        : "the .pem file";
    return {
      problem: `${source} is not a readable private key; use the whole .pem file the app's settings page generated`,
    };
  }
}

/** Where Probot's setup page listens, as a browser reaches it. */
function setupUrl(env: NodeJS.ProcessEnv): string {
  const host = !env.HOST || env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  return `http://${host}:${Number(env.PORT) || 3000}`;
}

function setupMessage(env: NodeJS.ProcessEnv): string {
  const where = env.GH_ORG
    ? `in the organisation ${env.GH_ORG}`
    : "on your personal account (set GH_ORG=<organisation> in .env to register it in an organisation)";
  const hook = env.WEBHOOK_PROXY_URL
    ? `with ${env.WEBHOOK_PROXY_URL} as its webhook URL, forwarded here`
    : "with a new smee.io channel as its webhook URL if Probot can open one (set WEBHOOK_PROXY_URL=https://smee.io/<channel> in .env to choose it)";
  return [
    `batchbot is not registered yet (no APP_ID). Next: open ${setupUrl(env)} and click "Register GitHub App".`,
    `It registers batchbot ${where}, ${hook},`,
    "writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env and opens the app's installation page:",
    "install it on a repository, then stop this server and run npm start again.",
  ].join("\n");
}

/**
 * Decides, before Probot starts, whether the credentials make sense: malformed or half-given credentials are one
 * clear line and exit 1 (Probot would print a stack trace and fall back to its setup page); none at all outside
 * production is Probot's setup flow, with the next step spelled out.
 */
export function startupCheck(env: NodeJS.ProcessEnv, cwd: string): Startup {
  const key = privateKey(env, cwd);
  if ("problem" in key) return { mode: "fail", message: key.problem };
  const appId = env.APP_ID?.trim();
  if (!appId && !key.key)
    return env.NODE_ENV === "production"
      ? {
          mode: "fail",
          message: "APP_ID and PRIVATE_KEY are not set: the app's id and its private key (.pem)",
        }
      : { mode: "setup", message: setupMessage(env) };
  if (!appId)
    return { mode: "fail", message: "a private key is set but APP_ID is not: set APP_ID to the app's id" };
  if (!/^[1-9]\d*$/.test(appId))
    return { mode: "fail", message: `APP_ID is the app's numeric id, not ${appId}` };
  if (!key.key)
    return { mode: "fail", message: "APP_ID is set but no private key: set PRIVATE_KEY or PRIVATE_KEY_PATH" };
  if (!env.WEBHOOK_SECRET)
    return {
      mode: "fail",
      message:
        "WEBHOOK_SECRET is not set: every delivery would be refused; set it to the app's webhook secret",
    };
  return { mode: "run" };
}

/** Why `run` failed, in one line: an Error's message, or an EventSource error event's (the webhook proxy). */
export function startFailure(error: unknown, env: NodeJS.ProcessEnv): string {
  const message = String((error as { message?: unknown })?.message ?? error).split("\n")[0] ?? "";
  const proxy = (error as { type?: unknown })?.type === "error" && env.WEBHOOK_PROXY_URL;
  return proxy ? `the webhook proxy ${env.WEBHOOK_PROXY_URL} can't be reached: ${message}` : message;
}
