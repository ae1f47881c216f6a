import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { dotEnv, startFailure, startupCheck } from "../../src/infra/startup.js";

const root = resolve(import.meta.dirname, "../..");
const pem = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const empty = () => mkdtempSync(join(tmpdir(), "batchbot-start-"));
const good = { APP_ID: "12345", PRIVATE_KEY: pem, WEBHOOK_SECRET: "s3cret" };

describe("startupCheck", () => {
  it.each([
    ["complete credentials", good, "run"],
    [
      "the key with escaped newlines, as .env holds it",
      { ...good, PRIVATE_KEY: pem.replace(/\n/g, "\\n") },
      "run",
    ],
    ["the key base64-encoded", { ...good, PRIVATE_KEY: Buffer.from(pem).toString("base64") }, "run"],
  ])("runs with %s", (_what, env, mode) => {
    expect(startupCheck(env, empty()).mode).toBe(mode);
  });

  it.each([
    [
      "a malformed PRIVATE_KEY",
      { ...good, PRIVATE_KEY: "garbage" },
      'The contents of "env.PRIVATE_KEY" could not',
    ],
    [
      "a PEM whose body is no key",
      { ...good, PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nfoo\n-----END RSA PRIVATE KEY-----\n" },
      "PRIVATE_KEY is not a readable private key",
    ],
    [
      "a PRIVATE_KEY_PATH that doesn't exist",
      { ...good, PRIVATE_KEY: "", PRIVATE_KEY_PATH: "nope.pem" },
      "nope.pem",
    ],
    ["no WEBHOOK_SECRET", { ...good, WEBHOOK_SECRET: "" }, "WEBHOOK_SECRET is not set"],
    ["an APP_ID that isn't a number", { ...good, APP_ID: "batchbot" }, "APP_ID is the app's numeric id"],
    ["a key without APP_ID", { ...good, APP_ID: "" }, "APP_ID is not"],
    ["APP_ID without a key", { ...good, PRIVATE_KEY: "" }, "no private key"],
    ["nothing, in production", { NODE_ENV: "production" }, "APP_ID and PRIVATE_KEY are not set"],
  ])("fails in one line on %s", (_what, env, message) => {
    const result = startupCheck(env, empty());
    expect(result.mode).toBe("fail");
    if (result.mode === "fail") {
      expect(result.message).toContain(message);
      expect(result.message).not.toContain("\n");
    }
  });

  it("without credentials, outside production, is the setup flow with its next step", () => {
    const result = startupCheck({ PORT: "4000" }, empty());
    expect(result.mode).toBe("setup");
    if (result.mode !== "setup") return;
    expect(result.message).toContain('open http://localhost:4000 and click "Register GitHub App"');
    expect(result.message).toContain("on your personal account (set GH_ORG=<organisation> in .env");
    expect(result.message).toContain("set WEBHOOK_PROXY_URL=https://smee.io/<channel> in .env");
  });

  it("reads .env as Probot does, its values over the process's", () => {
    const dir = empty();
    writeFileSync(
      join(dir, ".env"),
      `APP_ID=7\nPRIVATE_KEY="${pem.replace(/\n/g, "\\n")}"\nWEBHOOK_SECRET=x\n`,
    );
    const env = { APP_ID: "1", ...dotEnv(dir) };
    expect(env.APP_ID).toBe("7");
    expect(startupCheck(env, dir).mode).toBe("run");
    expect(dotEnv(empty())).toEqual({});
  });

  it("says why the server couldn't start in one line", () => {
    expect(startFailure(new Error("Port 3000 is already in use.\nmore"), {})).toBe(
      "Port 3000 is already in use.",
    );
    const event = { type: "error", message: "TypeError: fetch failed" };
    expect(startFailure(event, { WEBHOOK_PROXY_URL: "https://smee.io/x" })).toBe(
      "the webhook proxy https://smee.io/x can't be reached: TypeError: fetch failed",
    );
  });
});

describe("npm start with bad credentials", () => {
  it("prints one line and exits 1, instead of a stack trace and the setup page", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", join(root, "node_modules/tsx/dist/loader.mjs"), join(root, "src/main.ts")],
      {
        cwd: empty(),
        env: { PATH: process.env.PATH, APP_ID: "1", PRIVATE_KEY: "garbage", WEBHOOK_SECRET: "x", PORT: "1" },
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      'batchbot: The contents of "env.PRIVATE_KEY" could not be validated. Please check to ensure you have copied the contents of the .pem file correctly.',
    ]);
  });
});
