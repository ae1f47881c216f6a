import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { batchbot } from "../../src/app.js";

/**
 * The events the app handles, from its own registrations: the app function is loaded into a stub that records
 * every `app.on(...)` name (`issues.opened`, `push`), whatever file registers it.
 */
async function handledEvents(): Promise<string[]> {
  const names = new Set<string>();
  const noop = () => {};
  const log: Record<string, unknown> = {};
  for (const level of ["trace", "debug", "info", "warn", "error", "fatal"]) log[level] = noop;
  log.child = () => log;
  const app = {
    log,
    on: (events: string | string[]) => {
      for (const e of [events].flat()) names.add(e);
    },
    onAny: noop,
    onError: noop,
    webhooks: { on: noop, onAny: noop, onError: noop },
  } as unknown as Probot;
  await batchbot({ botLogin: "batchbot[bot]" })(app, {
    addHandler: () => {
      throw new Error("no server");
    },
  } as never);
  return [...names].sort();
}

/** GitHub never sends these to a workflow: every app receives them, no workflow can subscribe. */
const APP_ONLY = ["installation", "installation_repositories"];
/** Triggers that are no webhook event: the reconcile sweep's cron, a run by hand. */
const NOT_EVENTS = ["schedule", "workflow_dispatch"];
/** App permissions a workflow token can't have (metadata is implied; members and projects are organisation-wide). */
const NOT_FOR_TOKENS = ["metadata", "members", "organization_projects"];

type Workflow = {
  on: Record<string, { types?: string[] } | null | Array<{ cron: string }>>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Array<{ uses?: string; run?: string }> }>;
};
const workflow = parse(readFileSync("examples/workflows/batchbot.yml", "utf8")) as Workflow;
const manifest = parse(readFileSync("app.yml", "utf8")) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};

/** `issues.opened` → {issues: [opened]}; `push` → {push: []}. */
function byEvent(names: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const [event = "", action] = name.split(".");
    out[event] ??= [];
    if (action) out[event].push(action);
  }
  for (const actions of Object.values(out)) actions.sort();
  return out;
}

describe("examples/workflows/batchbot.yml", () => {
  it("triggers on exactly the events and actions the app handles (that a workflow can receive)", async () => {
    const handled = byEvent((await handledEvents()).filter((n) => !APP_ONLY.includes(n.split(".")[0] ?? "")));
    const triggers = Object.fromEntries(
      Object.entries(workflow.on)
        .filter(([event]) => !NOT_EVENTS.includes(event))
        .map(([event, filter]) => [
          event,
          [...((filter as { types?: string[] } | null)?.types ?? [])].sort(),
        ]),
    );
    expect(triggers).toEqual(handled);
    expect(Object.keys(handled)).toContain("pull_request_review");
  });

  it("runs the reconcile sweep on a schedule", () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(readFileSync("src/actions.ts", "utf8")).toContain('name === "schedule"');
  });

  it("asks for the least: app.yml's permissions that a workflow token can hold, nothing more", () => {
    const wanted = Object.fromEntries(
      Object.entries(manifest.default_permissions)
        .filter(([name]) => !NOT_FOR_TOKENS.includes(name))
        .map(([name, access]) => [name.replace(/_/g, "-"), access]),
    );
    expect(workflow.permissions).toEqual(wanted);
  });

  it("runs the action at the repository root", () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    expect(steps.map((s) => s.uses?.replace(/@.*/, ""))).toContain("batchbot/batchbot");
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync("action.yml", "utf8")) as {
    runs: { using: string; steps: Array<{ run?: string; uses?: string; env?: Record<string, string> }> };
    inputs: Record<string, { default?: string }>;
  };

  it("builds batchbot where it was checked out and runs dist/actions.js with the workflow's token", () => {
    expect(action.runs.using).toBe("composite");
    const runs = action.runs.steps.map((s) => s.run ?? "");
    expect(runs).toContain("npm ci --no-audit --no-fund --omit=optional && npm run build");
    const entry = action.runs.steps.find((s) => s.run?.includes("dist/actions.js"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(entry?.env?.GITHUB_TOKEN).toBe("${{ inputs.github-token }}");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(action.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(JSON.parse(readFileSync("package.json", "utf8")).scripts.build).toContain("tsc");
  });
});

describe("app.yml", () => {
  it("subscribes to exactly the events the app handles", async () => {
    const events = new Set((await handledEvents()).map((n) => n.split(".")[0] ?? ""));
    for (const always of APP_ONLY) events.delete(always);
    expect([...manifest.default_events].sort()).toEqual([...events].sort());
  });
});
