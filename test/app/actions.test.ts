import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS_BOT, runInActions } from "../../src/actions.js";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const silent = pino({ level: "silent" });

/** The environment a workflow run gives the step, with the event written where Actions writes it. */
function workflowEnv(name: string, payload: unknown): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "batchbot-actions-"));
  const path = join(dir, "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: path,
    GITHUB_TOKEN: "ghs_workflow_token",
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "42",
    GITHUB_RUN_ATTEMPT: "1",
    BATCHBOT_GITHUB_THROTTLE: "false",
  };
}

/** A workflow event: the webhook payload without `installation`, as Actions gives it. */
function withoutInstallation(payload: Record<string, unknown>) {
  const { installation: _installation, ...rest } = payload;
  return rest;
}

describe("GitHub Actions entry", () => {
  it("handles the workflow's issues event with the workflow token: the SPEC is labelled", async () => {
    h = createHarness({ botLogin: ACTIONS_BOT });
    h.fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
    h.fake.addIssue("acme/specs", { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
    const env = workflowEnv("issues", withoutInstallation(h.issueEvent("acme/specs", 2, "opened")));
    expect(await runInActions(env, { log: silent })).toBe(0);
    expect(h.fake.issue("acme/specs", 2).labels).toContain("blocked");
    expect(h.fake.unhandled).toEqual([]);
  });

  it("answers a /batch command in an issue_comment event once", async () => {
    h = createHarness({ botLogin: ACTIONS_BOT });
    h.fake.actor = ACTIONS_BOT;
    h.fake.addIssue("acme/specs", { number: 3, title: "Tracking" });
    const env = workflowEnv(
      "issue_comment",
      withoutInstallation(h.commentEvent("acme/specs", 3, "alice", "/batch help")),
    );
    expect(await runInActions(env, { log: silent })).toBe(0);
    expect(await runInActions(env, { log: silent })).toBe(0);
    expect(h.fake.botComments("acme/specs", 3, "github-actions")).toHaveLength(1);
  });

  it("ignores the events its own token caused", async () => {
    h = createHarness({ botLogin: ACTIONS_BOT });
    h.fake.addIssue("acme/specs", { number: 1, labels: ["spec"] });
    const event = h.issueEvent("acme/specs", 1, "labeled", { sender: ACTIONS_BOT, label: { name: "ready" } });
    expect(await runInActions(workflowEnv("issues", withoutInstallation(event)), { log: silent })).toBe(0);
    expect(h.fake.requests).toEqual([]);
  });

  it("on its schedule, reconciles the workflow's repository: what /batch sync repairs, nothing more", async () => {
    h = createHarness({ botLogin: ACTIONS_BOT });
    h.fake.actor = ACTIONS_BOT;
    // The close of #1 never ran the workflow (a run failed, Actions was down): #2 is still labelled blocked.
    h.fake.repo("acme/specs").files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    h.fake.addIssue("acme/specs", {
      number: 1,
      labels: ["spec", "validated"],
      state: "CLOSED",
      stateReason: "COMPLETED",
    });
    h.fake.addIssue("acme/specs", { number: 2, labels: ["spec", "blocked"], body: "Depends on #1" });
    const env = { ...workflowEnv("schedule", { schedule: "17 */6 * * *" }), GITHUB_REPOSITORY: "acme/specs" };
    expect(await runInActions(env, { log: silent })).toBe(0);
    expect(h.fake.issue("acme/specs", 2).labels).toEqual(["spec", "ready"]);
    // No app here: no delivery log, no installations.
    expect(h.fake.requests.filter((r) => r.path.startsWith("/app"))).toEqual([]);
    h.fake.reset();
    expect(await runInActions(env, { log: silent })).toBe(0);
    expect(h.fake.writes).toBe(0);
    expect(await runInActions({ ...env, GITHUB_REPOSITORY: "" }, { log: silent })).toBe(1);
  });

  it("fails clearly without the token or with an unreadable event file", async () => {
    h = createHarness();
    const env = workflowEnv("issues", {});
    expect(await runInActions({ ...env, GITHUB_TOKEN: "" }, { log: silent })).toBe(1);
    expect(
      await runInActions({ ...env, GITHUB_EVENT_PATH: "/nonexistent/event.json" }, { log: silent }),
    ).toBe(1);
    writeFileSync(env.GITHUB_EVENT_PATH!, "{not json");
    expect(await runInActions(env, { log: silent })).toBe(1);
  });
});
