import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { signature } from "../helpers/server.js";

const SECRET = "entry-secret";
let child: ChildProcess;
let url: string;
let output = "";

/** `npm start` without the build: src/main.ts under tsx, configured only through the environment. */
beforeAll(async () => {
  nock.enableNetConnect("127.0.0.1");
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_ID: "1",
      PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      WEBHOOK_SECRET: SECRET,
      REDIS_URL: inject("redisUrl"),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  for (const until = Date.now() + 30_000; ; ) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  nock.disableNetConnect();
});

function ping(sig: string) {
  const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": "entry-1",
      "x-hub-signature-256": sig === "valid" ? signature(body, SECRET) : sig,
    },
    body,
  });
}

it("serves health, metrics and signed webhooks as `npm start` runs it, and stops on SIGTERM", async () => {
  expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: "ok" });
  expect((await ping("valid")).status).toBe(200);
  expect((await ping("sha256=forged")).status).toBe(400);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('batchbot_webhook_deliveries_total{event="ping",outcome="ok"} 1');
  expect(metrics).toContain('batchbot_webhook_deliveries_total{event="ping",outcome="rejected"} 1');
  expect(metrics).toMatch(/process_resident_memory_bytes \d+/);

  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
});
