import { Writable } from "node:stream";
import nock from "nock";
import { afterEach, beforeEach, expect, it } from "vitest";
import { serverLog } from "../../src/infra/server-log.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { type RunningApp, signature, startApp } from "../helpers/server.js";

let h: Harness;
let app: RunningApp;
beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await app?.stop();
  h?.fake.uninstall();
  nock.disableNetConnect();
});

type Line = { level: number; name?: string; msg: string; delivery?: string; event?: string };

/** batchbot on Probot's server with the logger `npm start` builds, as JSON lines. */
async function start(level: "info" | "debug") {
  h = createHarness();
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = await serverLog({ LOG_LEVEL: level, LOG_FORMAT: "json" }, sink as never);
  app = await startApp({ log });
  lines.length = 0; // "Listening on ..."
  return lines;
}

const settle = () => new Promise((done) => setTimeout(done, 50));

it("logs a delivery with a bad signature as one warn line naming the delivery", async () => {
  const lines = await start("info");
  const body = JSON.stringify({ action: "opened" });
  const res = await fetch(app.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": "d-bad-signature",
      "x-hub-signature-256": signature(body, "not-the-secret"),
    },
    body,
  });
  expect(res.status).toBe(400);
  await settle();
  const about = lines.filter((l) => l.name !== "http");
  expect(about).toEqual([
    expect.objectContaining({
      level: 40,
      delivery: "d-bad-signature",
      event: "issues",
      msg: "webhook signature does not match WEBHOOK_SECRET; answered 400",
    }),
  ]);
  expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  expect(h.fake.requests).toEqual([]);
});

it("logs health checks and metric scrapes at debug, other requests at info", async () => {
  const lines = await start("info");
  await fetch(`${app.url}/healthz`);
  await fetch(`${app.url}/metrics`);
  await fetch(`${app.url}/nothing-here`);
  await settle();
  expect(lines.filter((l) => l.name === "http").map((l) => l.msg.split(" ").slice(0, 3).join(" "))).toEqual([
    "GET /nothing-here 404",
  ]);
});

it("shows health checks at LOG_LEVEL=debug", async () => {
  const lines = await start("debug");
  await fetch(`${app.url}/healthz`);
  await settle();
  expect(lines.filter((l) => l.name === "http" && l.msg.startsWith("GET /healthz 200"))).toEqual([
    expect.objectContaining({ level: 20 }),
  ]);
});
