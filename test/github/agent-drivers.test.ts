import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ASSIGN_COPILOT,
  assignCopilot,
  COPILOT_FEATURES,
  copilotClient,
  FIND_COPILOT,
  findCopilot,
} from "../../src/github/copilot.js";
import { guardsQuery, readDriveGuards } from "../../src/github/drive-guards-reader.js";
import { defaultBranch, dispatchWorkflow, probeWorkflow } from "../../src/github/workflow-dispatch.js";
import { type AgentRecords, COPILOT_ID, INSTALLATION_TOKEN, installAgents } from "../helpers/fake-agents.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { validateDocument } from "../helpers/schema.js";

const REPO = { owner: "acme", repo: "specs" };
const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

let fake: FakeGitHub;
let agents: AgentRecords;
let app: InstanceType<typeof Octokit>;
beforeEach(() => {
  fake = new FakeGitHub().install();
  agents = installAgents(fake);
  fake.repo("acme/specs");
  app = new Octokit({ auth: { token: INSTALLATION_TOKEN } });
});
afterEach(() => fake.uninstall());

describe("GraphQL documents of the drivers", () => {
  it.each([
    ["find Copilot", FIND_COPILOT],
    ["assign Copilot", ASSIGN_COPILOT],
    ["drive guards, first page", guardsQuery(true)],
    ["drive guards, later pages", guardsQuery(false)],
  ])("%s is valid against GitHub's schema and its documented extensions", (_name, document) => {
    expect(validateDocument(document)).toEqual([]);
  });
});

describe("Copilot driver", () => {
  it("finds Copilot and assigns it with one mutation carrying the feature header, the user token and the agent assignment", async () => {
    const issue = fake.addIssue("acme/specs", { title: "Batch 1" });
    const client = copilotClient(app, "user-pat");
    const copilotId = await findCopilot(client, REPO);
    expect(copilotId).toBe(COPILOT_ID);
    fake.reset();
    await assignCopilot(client, {
      issueId: issue.id,
      copilotId: copilotId!,
      repositoryId: fake.repo("acme/specs").id,
      instructions: "Work in order",
      base: "develop",
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ kind: "write", operation: "BatchbotAssignCopilot" });
    expect(request!.headers?.["graphql-features"]).toBe(COPILOT_FEATURES);
    expect(request!.headers?.authorization).toMatch(/user-pat$/);
    expect(issue.assignees).toEqual(["Copilot"]);
    expect(agents.copilot).toEqual([
      {
        issue: issue.number,
        agentAssignment: {
          targetRepositoryId: fake.repo("acme/specs").id,
          baseRef: "develop",
          customInstructions: "Work in order",
        },
      },
    ]);
    expect(fake.unhandled).toEqual([]);
  });

  it("is refused with the installation token, as GitHub documents", async () => {
    const issue = fake.addIssue("acme/specs", { title: "Batch 1" });
    await expect(
      assignCopilot(app, { issueId: issue.id, copilotId: COPILOT_ID, repositoryId: "R_1" }),
    ).rejects.toThrow(/user token/);
    expect(issue.assignees).toEqual([]);
  });

  it("reports Copilot missing where its coding agent is not enabled", async () => {
    agents.copilotEnabled = false;
    expect(await findCopilot(copilotClient(app, "user-pat"), REPO)).toBeNull();
  });
});

describe("dispatch driver", () => {
  it("sends one workflow_dispatch with the batch number as input", async () => {
    fake.repo("acme/specs").files.set(".github/workflows/agent.yml", "on: workflow_dispatch");
    expect(await defaultBranch(app, REPO)).toBe("main");
    fake.reset();
    await dispatchWorkflow(app, REPO, "agent.yml", "main", 12);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /repos/acme/specs/actions/workflows/agent.yml/dispatches",
    ]);
    expect(agents.dispatches).toEqual([{ workflow: "agent.yml", ref: "main", inputs: { batch: "12" } }]);
  });

  it("probes the workflow for the config check: there, missing, or Actions not granted", async () => {
    fake.repo("acme/specs").files.set(".github/workflows/agent.yml", "on: workflow_dispatch");
    expect(await probeWorkflow(app, REPO, "agent.yml")).toBe("ok");
    expect(await probeWorkflow(app, REPO, "other.yml")).toBe("missing");
    agents.actions = "none";
    expect(await probeWorkflow(app, REPO, "agent.yml")).toBe("forbidden");
    await expect(dispatchWorkflow(app, REPO, "agent.yml", "main", 1)).rejects.toThrow(/not accessible/);
  });
});

describe("drive guards", () => {
  it("reads pause labels and SPEC writers in one query, then each writer's permission once", async () => {
    const repo = fake.repo("acme/specs");
    repo.collaborators.set("lead", "write");
    repo.collaborators.set("visitor", "read");
    const ok = fake.addIssue("acme/specs", { title: "A", author: "lead" });
    const edited = fake.addIssue("acme/specs", { title: "B", author: "lead" });
    (edited as { editor?: string }).editor = "visitor";
    const stranger = fake.addIssue("acme/specs", { title: "C", author: "visitor" });
    const dashboard = fake.addIssue("acme/specs", {
      title: "Dashboard",
      labels: ["batch-dashboard", "batch-paused"],
    });
    fake.reset();
    const guards = await readDriveGuards(
      app,
      REPO,
      [ok.id, edited.id, stranger.id],
      "batch-dashboard",
      "batchbot[bot]",
    );
    expect([...guards.trustedSpecs]).toEqual([ok.id]);
    expect(guards.pausedIssues).toEqual(new Set([dashboard.number]));
    expect(guards.dashboardPaused).toBe(true);
    expect(guards.requests).toBe(3);
    expect(fake.requests).toHaveLength(3);
  });
});
