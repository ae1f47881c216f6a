import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions, Probot } from "probot";
import type { Metrics } from "./metrics.js";
import { VERSION } from "./version.js";
import { DEFAULT_MAX_WEBHOOK_BYTES, guardWebhooks } from "./webhook-guard.js";

/** `GET /healthz` (liveness, with the version) and `GET /metrics` (Prometheus text). */
export function operationsHandler(metrics: Metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") {
      res
        .writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify({ status: "ok", version: VERSION }));
      return true;
    }
    if (path === "/metrics") {
      const text = await metrics.text();
      res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(text);
      return true;
    }
    return false;
  };
}

/**
 * Mounts the operational endpoints on Probot's server and guards its webhook endpoint (size limit, delivery
 * metrics). Loaded without a server (tests, GitHub Actions), Probot has nowhere to mount them: nothing to do.
 */
export function serveOperations(
  app: Probot,
  options: Pick<ApplicationFunctionOptions, "addHandler">,
  settings: { metrics: Metrics; maxWebhookBytes?: number },
): void {
  try {
    options.addHandler(operationsHandler(settings.metrics));
  } catch {
    return;
  }
  guardWebhooks(app, {
    metrics: settings.metrics,
    maxBytes: settings.maxWebhookBytes ?? DEFAULT_MAX_WEBHOOK_BYTES,
  });
}
