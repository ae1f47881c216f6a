import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../helpers/free-port.js";

/**
 * `npm start` with a webhook proxy and no credentials, as a newcomer runs it: src/main.ts in a fresh directory
 * with app.yml, WEBHOOK_PROXY_URL and GH_ORG set. The proxy is a local event stream (smee.io's protocol), so no
 * network is needed.
 */
const root = resolve(import.meta.dirname, "../..");
let proxy: Server;
let child: ChildProcess;
let proxyUrl: string;
let url: string;
let stdout = "";
let output = "";

beforeAll(async () => {
  nock.enableNetConnect("127.0.0.1");
  proxy = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": ready\n\n");
  });
  await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/channel`;
  const cwd = mkdtempSync(join(tmpdir(), "batchbot-setup-"));
  for (const file of ["app.yml", "package.json"]) copyFileSync(join(root, file), join(cwd, file));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(
    process.execPath,
    ["--import", join(root, "node_modules/tsx/dist/loader.mjs"), join(root, "src/main.ts")],
    {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOST: "127.0.0.1",
        PORT: String(port),
        WEBHOOK_PROXY_URL: proxyUrl,
        GH_ORG: "acme",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d) => {
    stdout += d;
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  for (;;) {
    const ok = await fetch(`${url}/probot`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`setup did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}, 60_000);

afterAll(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  proxy?.closeAllConnections();
  await new Promise((done) => proxy?.close(done));
  nock.disableNetConnect();
});

it("prints the exact next step: where to click, which organisation, which webhook URL, then restart", () => {
  expect(stdout).toContain(`Next: open ${url} and click "Register GitHub App".`);
  expect(stdout).toContain(
    `It registers batchbot in the organisation acme, with ${proxyUrl} as its webhook URL`,
  );
  expect(stdout).toContain("stop this server and run npm start again");
});

it("registers from app.yml into GH_ORG with the proxy as the webhook URL", async () => {
  const html = await (await fetch(`${url}/probot`)).text();
  expect(html).toContain('action="https://github.com/organizations/acme/settings/apps/new"');
  const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(html)?.[1] ?? "null");
  const appYml = parse((await import("node:fs")).readFileSync(join(root, "app.yml"), "utf8"));
  expect(manifest.hook_attributes).toEqual({ url: proxyUrl });
  expect(manifest.default_events).toEqual(appYml.default_events);
  expect(manifest.default_permissions).toEqual(appYml.default_permissions);
  expect(manifest.public).toBe(false);
});
