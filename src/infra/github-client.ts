import { ProbotOctokit } from "probot";
import type { Metrics, RequestKind, RetryReason } from "./metrics.js";

/**
 * How batchbot talks to GitHub when GitHub misbehaves. Read from the environment by `githubClientSettings`;
 * docs/operations.md lists the variables.
 */
export interface GitHubClientSettings {
  /** Retries of a request answered 5xx, timed out or failed on the network; only requests safe to repeat. */
  retries: number;
  /** Backoff unit for those retries: the n-th retry waits n² × this. */
  retryBaseMs: number;
  /** Retries after a primary or secondary rate limit (GitHub refused the request, so it is always safe). */
  rateLimitRetries: number;
  /** A rate limit that lifts later than this is not waited for: the request fails. */
  maxRateLimitWaitSeconds: number;
  /** How long one second of `retry-after` lasts, in milliseconds (1000; tests shrink it). */
  retryAfterUnitMs: number;
  /** One attempt's timeout, response body included. */
  timeoutMs: number;
  /** Octokit's request pacing (1 s between writes per installation; shared across instances with REDIS_URL). */
  throttle: boolean;
}

export const DEFAULT_GITHUB_CLIENT: GitHubClientSettings = {
  retries: 3,
  retryBaseMs: 1000,
  rateLimitRetries: 3,
  maxRateLimitWaitSeconds: 120,
  retryAfterUnitMs: 1000,
  timeoutMs: 30_000,
  throttle: true,
};

export function githubClientSettings(env: NodeJS.ProcessEnv = process.env): GitHubClientSettings {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && env[name] !== "" && Number.isFinite(value) && value >= 0
      ? value
      : fallback;
  };
  const d = DEFAULT_GITHUB_CLIENT;
  return {
    retries: number("BATCHBOT_GITHUB_RETRIES", d.retries),
    retryBaseMs: number("BATCHBOT_GITHUB_RETRY_BASE_MS", d.retryBaseMs),
    rateLimitRetries: number("BATCHBOT_GITHUB_RATE_LIMIT_RETRIES", d.rateLimitRetries),
    maxRateLimitWaitSeconds: number("BATCHBOT_GITHUB_MAX_RATE_LIMIT_WAIT_S", d.maxRateLimitWaitSeconds),
    retryAfterUnitMs: d.retryAfterUnitMs,
    timeoutMs: number("BATCHBOT_GITHUB_TIMEOUT_MS", d.timeoutMs),
    throttle: env.BATCHBOT_GITHUB_THROTTLE !== "false",
  };
}

/** The part of Octokit's request options this module reads. */
export interface RequestLike {
  method: string;
  url: string;
  query?: unknown;
  request?: { retries?: number; fetch?: typeof fetch; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * GraphQL mutations that leave the same state when applied twice. Any other mutation may create something
 * (a comment, an issue), so after a 5xx or a timeout (GitHub may have applied it) it is not sent again:
 * the handler fails, and the redelivered webhook converges because every handler compares before writing.
 */
const REPEATABLE_MUTATIONS = new Set([
  "addLabelsToLabelable",
  "removeLabelsFromLabelable",
  "updateIssueComment",
  "updateIssue",
  "closeIssue",
  "reopenIssue",
  "addAssigneesToAssignable",
  "removeAssigneesFromAssignable",
  "updateProjectV2ItemFieldValue",
  "clearProjectV2ItemFieldValue",
  "addProjectV2ItemById",
]);

/** REST writes that are idempotent by HTTP semantics; POST creates, so it is not repeated. */
const REPEATABLE_METHODS = new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);

export function isGraphqlRequest(options: RequestLike): boolean {
  return /\/graphql$/.test(options.url);
}

export function requestKind(options: RequestLike): RequestKind {
  if (isGraphqlRequest(options))
    return graphqlOperation(String(options.query ?? "")).type === "mutation"
      ? "graphql_mutation"
      : "graphql_query";
  return options.method === "GET" || options.method === "HEAD" ? "rest_read" : "rest_write";
}

/** Whether sending the request twice leaves GitHub as sending it once. */
export function isRepeatable(options: RequestLike): boolean {
  if (isGraphqlRequest(options)) {
    const operation = graphqlOperation(String(options.query ?? ""));
    return (
      operation.type === "query" ||
      (operation.fields.length > 0 && operation.fields.every((f) => REPEATABLE_MUTATIONS.has(f)))
    );
  }
  return REPEATABLE_METHODS.has(options.method.toUpperCase());
}

/** The operation type and root field names of a GraphQL document (`m0: addComment(...)` gives addComment). */
export function graphqlOperation(document: string): { type: "query" | "mutation"; fields: string[] } {
  const text = document.replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g, " ");
  const type = /^\s*mutation\b/.test(text) ? "mutation" : "query";
  const fields: string[] = [];
  let depth = 0;
  let parens = 0;
  let alias = false;
  for (const [token] of text.matchAll(/\.\.\.|[A-Za-z_][A-Za-z0-9_]*|[{}():]/g)) {
    if (token === "(") parens++;
    else if (token === ")") parens--;
    else if (parens > 0) continue;
    else if (token === "{") depth++;
    else if (token === "}") depth--;
    else if (depth !== 1) continue;
    else if (token === ":") alias = true;
    else if (token === "...") fields.push("...");
    else if (alias) {
      fields[fields.length - 1] = token;
      alias = false;
    } else fields.push(token);
  }
  return { type, fields };
}

/** Why an attempt that is followed by another one failed, judged from its response. */
function failureOf(response: Response, body: ArrayBuffer | null, graphql: boolean): RetryReason | null {
  if (response.status >= 500) return "server_error" as const;
  if (response.status === 403 || response.status === 429)
    return response.headers.get("x-ratelimit-remaining") === "0"
      ? ("rate_limit" as const)
      : ("secondary_rate_limit" as const);
  if (graphql && body) {
    const text = new TextDecoder().decode(body);
    if (text.includes('"RATE_LIMITED"')) return "rate_limit" as const;
    if (text.includes("Something went wrong while executing your query")) return "server_error" as const;
  }
  return null;
}

/**
 * One logical request's fetch: counts every attempt by kind, and a retry whenever an attempt follows a failed
 * one; bounds each attempt (headers and body) by `timeoutMs`, so a stalled GitHub becomes a retryable error.
 */
function attemptingFetch(
  inner: typeof fetch,
  kind: RequestKind,
  graphql: boolean,
  timeoutMs: number,
  metrics: Metrics | undefined,
): typeof fetch {
  // Judged only when another attempt follows, so a successful answer's body is never scanned.
  let lastFailure: (() => RetryReason | null) | null = null;
  return async (input, init) => {
    const reason = lastFailure?.();
    if (reason) metrics?.retry(reason);
    metrics?.request(kind);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await inner(input, { ...init, signal });
      const body = [204, 205, 304].includes(response.status) ? null : await response.arrayBuffer();
      lastFailure = () => failureOf(response, body, graphql);
      const copy = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      Object.defineProperty(copy, "url", { value: response.url });
      return copy;
    } catch (error) {
      const cause = (error as Error).name === "TimeoutError" ? "timeout" : "network";
      lastFailure = () => cause;
      throw error;
    }
  };
}

/** Octokit plugin: request accounting, the repeat policy and attempt timeouts, for every installation client. */
function requestPolicy(settings: GitHubClientSettings, metrics: Metrics | undefined) {
  return (octokit: Pick<InstanceType<typeof ProbotOctokit>, "hook">) => {
    octokit.hook.wrap("request", async (request, options) => {
      const req = options as unknown as RequestLike;
      const repeat = req.request?.retries === undefined && !isRepeatable(req) ? { retries: 0 } : {};
      req.request = {
        ...req.request,
        ...repeat,
        fetch: attemptingFetch(
          req.request?.fetch ?? globalThis.fetch,
          requestKind(req),
          isGraphqlRequest(req),
          settings.timeoutMs,
          metrics,
        ),
      };
      return request(options);
    });
  };
}

type RateLimitHandler = (
  retryAfter: number,
  options: { method: string; url: string },
  octokit: { log: { warn: (msg: string) => void } },
  retryCount: number,
) => boolean;

/**
 * The Octokit class batchbot runs with: Probot's (throttling, retry, pagination, config) with the retry and
 * rate-limit policy of `settings`, request accounting into `metrics`, and attempt timeouts. A function default,
 * so Probot's own throttle options (its Redis connection with REDIS_URL) are kept and only the policy replaced.
 */
export function batchbotOctokit(
  settings: GitHubClientSettings = DEFAULT_GITHUB_CLIENT,
  metrics?: Metrics,
): typeof ProbotOctokit {
  const onLimit =
    (what: string): RateLimitHandler =>
    (retryAfter, options, octokit, retryCount) => {
      const retry = retryCount < settings.rateLimitRetries && retryAfter <= settings.maxRateLimitWaitSeconds;
      octokit.log.warn(
        `${what} on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : "giving up"}`,
      );
      return retry;
    };
  return ProbotOctokit.plugin(requestPolicy(settings, metrics)).defaults(
    (options: { retry?: object; throttle?: object }) => ({
      ...options,
      retry: {
        retries: settings.retries,
        retryAfterBaseValue: settings.retryBaseMs,
        // Rate limits are the throttling plugin's to retry (with retry-after), not the retry plugin's.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        ...options.retry,
      },
      throttle: {
        ...options.throttle,
        ...(settings.throttle ? {} : { enabled: false }),
        retryAfterBaseValue: settings.retryAfterUnitMs,
        onRateLimit: onLimit("rate limit"),
        onSecondaryRateLimit: onLimit("secondary rate limit"),
      },
    }),
  ) as typeof ProbotOctokit;
}
