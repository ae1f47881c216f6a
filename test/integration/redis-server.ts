import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { freePort } from "../helpers/free-port.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

const has = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;

/**
 * `redis-server`, installed from the distribution's packages when missing and allowed: as root (this project's
 * CI), or with password-less sudo (GitHub-hosted runners).
 */
function redisServerBinary(): string {
  if (has("redis-server")) return "redis-server";
  const root = process.getuid?.() === 0;
  const sudo = root ? "" : spawnSync("sudo", ["-n", "true"]).status === 0 ? "sudo " : null;
  if (sudo !== null && has("apt-get")) {
    console.log("redis-server is missing: installing it with apt-get");
    execFileSync(
      "sh",
      [
        "-c",
        `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server`,
      ],
      { stdio: "inherit", timeout: 300_000 },
    );
    if (has("redis-server")) return "redis-server";
  }
  throw new Error(
    "The integration tests need redis-server: install it (apt-get install redis-server) or set BATCHBOT_TEST_REDIS_URL",
  );
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      if (Date.now() > deadline) throw new Error("redis-server did not start within 15 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.disconnect();
    }
  }
}

/** A throwaway Redis on a free loopback port for the whole integration run, or `BATCHBOT_TEST_REDIS_URL`. */
export default async function setup(project: TestProject) {
  const given = process.env.BATCHBOT_TEST_REDIS_URL;
  if (given) {
    project.provide("redisUrl", given);
    return;
  }
  const port = await freePort();
  const child = spawn(
    redisServerBinary(),
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilReady(url, child);
  project.provide("redisUrl", url);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}
