import { readFileSync } from "node:fs";
import nock from "nock";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fastOctokit } from "../helpers/github-client.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { type RunningApp, SECRET, signature, startApp } from "../helpers/server.js";

let h: Harness;
let app: RunningApp;
beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await app?.stop();
  h?.fake.uninstall();
  nock.disableNetConnect();
});

const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

function post(body: string | Uint8Array, headers: Record<string, string>) {
  return fetch(app.webhookUrl, { method: "POST", headers, body });
}

function signedHeaders(body: string, event = "issues", extra: Record<string, string> = {}) {
  return {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": `d-${Math.random()}`,
    "x-hub-signature-256": signature(body),
    ...extra,
  };
}

describe("operational endpoints", () => {
  it("answers /healthz with the version", async () => {
    h = createHarness();
    app = await startApp();
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version });
  });

  it("serves Prometheus metrics: deliveries by event and outcome, GitHub requests by kind, latency", async () => {
    h = createHarness();
    h.fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
    h.fake.addIssue("acme/specs", { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
    const { Octokit, metrics } = fastOctokit();
    app = await startApp({ Octokit, metrics });
    expect((await app.deliver("issues", h.issueEvent("acme/specs", 2, "opened"))).status).toBe(200);
    expect((await post("{}", { "content-type": "application/json" })).status).toBe(400);
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('batchbot_webhook_deliveries_total{event="issues",outcome="ok"} 1');
    expect(text).toContain('batchbot_webhook_deliveries_total{event="other",outcome="rejected"} 1');
    expect(text).toMatch(/batchbot_github_requests_total\{kind="graphql_query"\} [1-9]/);
    expect(text).toMatch(/batchbot_github_requests_total\{kind="graphql_mutation"\} [1-9]/);
    expect(text).toMatch(/batchbot_github_requests_total\{kind="rest_read"\} [1-9]/);
    expect(text).toContain('batchbot_webhook_handling_seconds_count{event="issues"} 1');
    expect(h.fake.issue("acme/specs", 2).labels).toContain("blocked");
  });
});

describe("bad webhook deliveries", () => {
  const payload = JSON.stringify({ action: "opened", zen: "x" });

  it.each([
    ["no signature", () => post(payload, { ...signedHeaders(payload), "x-hub-signature-256": "" }), 400],
    [
      "a wrong signature",
      () =>
        post(
          payload,
          signedHeaders(payload, "issues", { "x-hub-signature-256": signature(payload, "not-the-secret") }),
        ),
      400,
    ],
    ["a signature of another body", () => post(`${payload} `, signedHeaders(payload)), 400],
    ["malformed JSON", () => post("{not json", signedHeaders("{not json")), 400],
    ["no event header", () => post(payload, { ...signedHeaders(payload), "x-github-event": "" }), 400],
    [
      "a form body",
      () =>
        post(
          payload,
          signedHeaders(payload, "issues", { "content-type": "application/x-www-form-urlencoded" }),
        ),
      415,
    ],
    ["a GET", () => fetch(app.webhookUrl), 404],
  ])("refuses %s with a 4xx", async (_what, send, status) => {
    h = createHarness();
    app = await startApp();
    expect((await send()).status).toBe(status);
    expect(await app.metrics.count("deliveries", { outcome: "ok" })).toBe(0);
    expect(h.fake.requests).toEqual([]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ["null", "issues", "null"],
    ["a string", "issues", JSON.stringify("opened")],
    ["a number", "issue_comment", "42"],
    ["an array", "issues", "[]"],
    ["an issues event without an issue", "issues", JSON.stringify({ action: "opened", repository: {} })],
    ["a comment event without a comment", "issue_comment", JSON.stringify({ action: "created" })],
    [
      "a review event with a null review",
      "pull_request_review",
      JSON.stringify({ action: "submitted", review: null }),
    ],
    ["an installation event without an installation", "installation", JSON.stringify({ action: "created" })],
  ])("answers a signed body that is %s with 400 and one log line", async (_what, event, body) => {
    h = createHarness();
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    app = await startApp({ log });
    const res = await post(body, signedHeaders(body, event));
    expect(res.status).toBe(400);
    expect(h.fake.requests).toEqual([]);
    const warnings = lines.filter((l) => /not an? .*event/i.test(String(l.msg)));
    expect(warnings).toHaveLength(1);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(await app.metrics.count("deliveries", { outcome: "rejected" })).toBe(1);
  });

  it("accepts and ignores an unknown event and an unknown action", async () => {
    h = createHarness();
    app = await startApp();
    expect((await app.deliver("made_up_event", { action: "whatever" })).status).toBe(200);
    const issue = h.issueEvent(
      "acme/specs",
      h.fake.addIssue("acme/specs", { labels: ["spec"] }).number,
      "opened",
    );
    expect((await app.deliver("issues", { ...issue, action: "teleported" })).status).toBe(200);
    expect(h.fake.requests).toEqual([]);
    expect(await app.metrics.count("deliveries", { outcome: "ok" })).toBe(2);
  });

  it("refuses an oversize body with 413 without reading it whole, and keeps serving", async () => {
    h = createHarness();
    app = await startApp({ maxWebhookBytes: 64 * 1024 });
    const big = JSON.stringify({ action: "opened", padding: "x".repeat(200 * 1024) });
    expect((await post(big, signedHeaders(big))).status).toBe(413);
    // Without a Content-Length (chunked), the limit applies while reading.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(app.webhookUrl, {
      method: "POST",
      headers: signedHeaders(big),
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await app.metrics.count("deliveries", { outcome: "rejected" })).toBe(2);
    expect((await app.deliver("made_up_event", { action: "x" })).status).toBe(200);
  });

  it("uses the configured secret", () => {
    expect(SECRET).not.toBe("development");
  });
});
