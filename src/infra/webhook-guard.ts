import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { eventShapeProblem } from "./event-shape.js";
import type { DeliveryOutcome, Metrics } from "./metrics.js";

/** GitHub never sends a payload over 25 MB; anything larger is not from GitHub. */
export const DEFAULT_MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** Event names counted under their own label; anything else (the header is the sender's to choose) is "other". */
const COUNTED_EVENTS = new Set([
  "issues",
  "issue_comment",
  "push",
  "pull_request",
  "pull_request_review",
  "check_run",
  "status",
  "installation",
  "installation_repositories",
  "ping",
]);

type Middleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text (decoded as Probot would), or `null` once it exceeds `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(new TextDecoder("utf-8").decode(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function answer(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): true {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify({ error }));
  return true;
}

/** Refuses a body over `maxBytes` (413, closing the connection) or an empty event header (400); `null` lets it on. */
async function readOrRefuse(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  maxBytes: number,
): Promise<string | null> {
  const declared = Number(header(req, "content-length") ?? 0);
  const body = declared > maxBytes ? null : await readBody(req, maxBytes);
  if (body === null) {
    res.once("finish", () => req.destroy());
    answer(res, 413, `Payload larger than ${maxBytes} bytes`, { connection: "close" });
    return null;
  }
  if (!name) {
    // An empty event header passes Probot's check for missing headers and then fails as a 500.
    answer(res, 400, "Required headers missing: x-github-event");
    return null;
  }
  return body;
}

/** Answers 400 to an unsigned or wrongly signed delivery, with one log line; `true` when it did. */
async function refusedSignature(
  app: Probot,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  body: string,
) {
  const signature = header(req, "x-hub-signature-256");
  const signed = !!signature && (await app.webhooks.verify(body, signature).catch(() => false));
  if (signed) return false;
  // Probot would log the refusal as an error with the whole request (dozens of lines); one line says it.
  app.log.warn(
    { event: name, delivery: header(req, "x-github-delivery") ?? null },
    signature
      ? "webhook signature does not match WEBHOOK_SECRET; answered 400"
      : "webhook delivery without a signature; answered 400",
  );
  return answer(
    res,
    400,
    signature
      ? "signature does not match event payload and secret"
      : "Required headers missing: x-hub-signature-256",
  );
}

/** Answers 400 to a signed, well-formed body that is not the event its header names; `true` when it did. */
function refusedShape(app: Probot, req: IncomingMessage, res: ServerResponse, name: string, body: string) {
  const problem = isJson(body) ? eventShapeProblem(name, body) : null;
  if (problem === null) return false;
  // Signed, so not noise: one line says which delivery and why, and no handler sees it.
  app.log.warn(
    { event: name, delivery: header(req, "x-github-delivery"), problem },
    `signed body is not a ${name} event; answered 400`,
  );
  return answer(res, 400, `Not a ${name} event: ${problem}`);
}

/** The outcome of a delivery Probot handled, from its answer. */
function handledOutcome(wellFormed: boolean, status: number, body: string): DeliveryOutcome {
  if (!wellFormed) return "rejected";
  if (status === 200) return "ok";
  if (status === 202) return "slow";
  return status === 400 && !isJson(body) ? "rejected" : "error";
}

/**
 * Wraps Probot's webhook middleware: refuses bodies over `maxBytes` with 413 before they are buffered whole
 * (Probot reads any size), and counts every delivery by event and outcome with its handling time.
 * Probot builds its middleware when the server starts, after the app is loaded, so the wrapper is installed by
 * replacing the Probot instance's `getNodeMiddleware`.
 */
export function guardWebhooks(app: Probot, options: { metrics: Metrics; maxBytes: number }): void {
  const original = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (settings) => {
    const inner = await original(settings);
    const webhookPath = (settings?.path ?? app.webhookPath).replace(/\/+$/, "");
    const guarded: Middleware = async (req: IncomingMessage, res: ServerResponse, next) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
      if (req.method !== "POST" || path !== webhookPath) return inner(req, res, next);
      const started = performance.now();
      const name = header(req, "x-github-event") ?? "";
      const event = COUNTED_EVENTS.has(name) ? name : "other";
      const record = (outcome: DeliveryOutcome) =>
        options.metrics.delivery(event, outcome, (performance.now() - started) / 1000);

      const body = await readOrRefuse(req, res, name, options.maxBytes);
      if (body === null || (await refusedSignature(app, req, res, name, body))) {
        record("rejected");
        return true;
      }
      (req as IncomingMessage & { body?: string }).body = body;
      const wellFormed =
        /^\s*application\/json\s*(?:;|$)/.test(header(req, "content-type") ?? "") &&
        !!header(req, "x-github-delivery");
      if (wellFormed && refusedShape(app, req, res, name, body)) {
        record("rejected");
        return true;
      }
      const handled = await inner(req, res, next);
      record(handledOutcome(wellFormed, res.statusCode, body));
      return handled;
    };
    return guarded;
  };
}
