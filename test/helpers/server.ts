import { createHmac } from "node:crypto";
import { type Logger, pino } from "pino";
import { type ApplicationFunction, Probot, ProbotOctokit, Server } from "probot";
import { type BatchbotOptions, batchbot } from "../../src/app.js";
import { Metrics } from "../../src/infra/metrics.js";
import { freePort } from "./free-port.js";
import { BOT } from "./harness.js";

export const SECRET = "test-webhook-secret";

export function signature(body: string, secret = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface RunningApp {
  url: string;
  webhookUrl: string;
  metrics: Metrics;
  server: Server;
  /** POSTs a signed delivery to the webhook endpoint. */
  deliver(event: string, payload: unknown, id?: string): Promise<Response>;
  stop(): Promise<void>;
}

let deliveries = 0;

/**
 * batchbot on Probot's real HTTP server on loopback, with a webhook secret, as `npm start` runs it.
 * GitHub is whatever nock serves (the fake GitHub); loopback connections must be allowed by the caller.
 */
export async function startApp(
  options: BatchbotOptions & {
    Octokit?: typeof ProbotOctokit;
    log?: Logger;
    /** More app functions to load beside batchbot (test fixtures). */
    apps?: ApplicationFunction[];
  } = {},
): Promise<RunningApp> {
  const metrics = options.metrics ?? new Metrics();
  const port = await freePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log: options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    Probot: Probot.defaults({
      githubToken: "test-token",
      secret: SECRET,
      Octokit:
        options.Octokit ??
        ProbotOctokit.defaults((o: Record<string, unknown>) => ({
          ...o,
          retry: { enabled: false },
          throttle: { enabled: false },
        })),
    }),
  });
  await server.load(batchbot({ botLogin: BOT, ...options, metrics }));
  for (const app of options.apps ?? []) await server.load(app);
  await server.start();
  const url = `http://127.0.0.1:${port}`;
  const webhookUrl = `${url}/api/github/webhooks`;
  return {
    url,
    webhookUrl,
    metrics,
    server,
    deliver(event, payload, id) {
      const body = JSON.stringify(payload);
      return fetch(webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": id ?? `load-${++deliveries}`,
          "x-hub-signature-256": signature(body),
        },
        body,
      });
    },
    stop: () => server.stop(),
  };
}
