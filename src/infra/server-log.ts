import { getTransformStream } from "@probot/pino";
import { type DestinationStream, type LoggerOptions, pino } from "pino";
import type { Logger } from "probot";

/** Requests to the operational endpoints: polled every few seconds by orchestrators and Prometheus. */
const OPERATIONAL = /^(?:GET|HEAD) \/(?:healthz|metrics)(?:[?\s]|$)/;

/**
 * A pino `logMethod` hook: Probot's access log (the `http` child logger, one `info` line per request) writes
 * health checks and metric scrapes at `debug`, so `info` shows the requests that matter.
 */
export const operationalRequestsAtDebug: NonNullable<LoggerOptions["hooks"]>["logMethod"] = function (
  args,
  method,
  level,
) {
  const message = args.find((a) => typeof a === "string");
  if (level === 30 && message && OPERATIONAL.test(message) && this.bindings().name === "http")
    return this.debug(...(args as [string]));
  return method.apply(this, args);
};

/**
 * The server's logger: what Probot's `run` builds from the environment (its own `getLog` isn't exported),
 * with the hook above. LOG_LEVEL, LOG_FORMAT (`json`, the default in production, or `pretty`),
 * LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY and SENTRY_DSN mean what they mean to Probot.
 */
export async function serverLog(
  env: NodeJS.ProcessEnv = process.env,
  destination: DestinationStream = pino.destination(1),
): Promise<Logger> {
  const logFormat = env.LOG_FORMAT
    ? env.LOG_FORMAT === "pretty"
      ? "pretty"
      : "json"
    : env.NODE_ENV === "production"
      ? "json"
      : "pretty";
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    sentryDsn: env.SENTRY_DSN,
  });
  transform.pipe(destination as NodeJS.WritableStream);
  return pino(
    {
      level: env.LOG_LEVEL || "info",
      name: "probot",
      messageKey: env.LOG_MESSAGE_KEY || "msg",
      hooks: { logMethod: operationalRequestsAtDebug },
    },
    transform,
  );
}
