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
    const webhookPath = settings?.path ?? app.webhookPath;
    const guarded: Middleware = async (req: IncomingMessage, res: ServerResponse, next) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
      if (req.method !== "POST" || path !== webhookPath.replace(/\/+$/, "")) return inner(req, res, next);
      const started = performance.now();
      const name = header(req, "x-github-event") ?? "";
      const event = COUNTED_EVENTS.has(name) ? name : "other";
      const record = (outcome: DeliveryOutcome) =>
        options.metrics.delivery(event, outcome, (performance.now() - started) / 1000);

      const declared = Number(header(req, "content-length") ?? 0);
      const body = declared > options.maxBytes ? null : await readBody(req, options.maxBytes);
      if (body === null) {
        res.once("finish", () => req.destroy());
        res
          .writeHead(413, { "content-type": "application/json", connection: "close" })
          .end(JSON.stringify({ error: `Payload larger than ${options.maxBytes} bytes` }));
        record("rejected");
        return true;
      }
      if (!name) {
        // An empty event header passes Probot's check for missing headers and then fails as a 500.
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "Required headers missing: x-github-event" }));
        record("rejected");
        return true;
      }
      (req as IncomingMessage & { body?: string }).body = body;
      const signature = header(req, "x-hub-signature-256");
      const signed = !!signature && (await app.webhooks.verify(body, signature).catch(() => false));
      if (!signed) {
        // Probot would log the refusal as an error with the whole request (dozens of lines); one line says it.
        app.log.warn(
          { event: name, delivery: header(req, "x-github-delivery") ?? null },
          signature
            ? "webhook signature does not match WEBHOOK_SECRET; answered 400"
            : "webhook delivery without a signature; answered 400",
        );
        res.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: signature
              ? "signature does not match event payload and secret"
              : "Required headers missing: x-hub-signature-256",
          }),
        );
        record("rejected");
        return true;
      }
      const wellFormed =
        /^\s*application\/json\s*(?:;|$)/.test(header(req, "content-type") ?? "") &&
        !!header(req, "x-github-delivery");
      const problem = signed && wellFormed && isJson(body) ? eventShapeProblem(name, body) : null;
      if (problem !== null) {
        // Signed, so not noise: one line says which delivery and why, and no handler sees it.
        app.log.warn(
          { event: name, delivery: header(req, "x-github-delivery"), problem },
          `signed body is not a ${name} event; answered 400`,
        );
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: `Not a ${name} event: ${problem}` }));
        record("rejected");
        return true;
      }
      const handled = await inner(req, res, next);
      const status = res.statusCode;
      record(
        !wellFormed
          ? "rejected"
          : status === 200
            ? "ok"
            : status === 202
              ? "slow"
              : status === 400 && !isJson(body)
                ? "rejected"
                : "error",
      );
      return handled;
    };
    return guarded;
  };
}
