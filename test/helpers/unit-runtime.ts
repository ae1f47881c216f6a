import { type BatchConfig, parseConfig } from "../../src/domain/config.js";
import type { RepoRef } from "../../src/domain/references.js";
import type { Runtime } from "../../src/features/shared/runtime.js";

/** The configuration `raw` gives; a test's configuration is valid, so a problem with it throws. */
export function testConfig(raw: Record<string, unknown> = {}): BatchConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`the test configuration is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

const silent = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, child: () => silent };

/** A runtime whose GitHub client refuses every call: a workhorse under unit test must go through its port. */
export function unitRuntime(
  config: BatchConfig = testConfig(),
  repo: RepoRef = { owner: "o", repo: "r" },
): Runtime {
  return {
    octokit: new Proxy({}, { get: () => () => Promise.reject(new Error("no GitHub in unit tests")) }),
    repo,
    config,
    botLogin: "batchbot[bot]",
    hosts: ["github.com"],
    log: silent,
  } as unknown as Runtime;
}
