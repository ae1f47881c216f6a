import { afterEach, describe, expect, it } from "vitest";
import { GATE_CHECK } from "../../src/domain/quality-gate-report.js";
import { parseSticky } from "../../src/domain/sticky.js";
import { type FakeGitHub, GHOST } from "../helpers/fake-github.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { ranJob } from "../helpers/job-outcome.js";

const REPO = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

function setup(config?: string) {
  h = createHarness();
  const repo = h.fake.repo(REPO);
  for (const [login, permission] of [
    ["alice", "write"],
    ["bob", "write"],
    ["carol", "write"],
    ["agent", "write"],
    ["admin", "admin"],
    ["mona", "maintain"],
    ["reader", "read"],
  ] as const)
    repo.collaborators.set(login, permission);
  if (config) repo.files.set(".github/batch.yml", config);
  h.fake.addIssue(REPO, { number: 1, title: "Schema", labels: ["spec"], assignees: ["agent"] });
  return h;
}

function openPullRequest(
  number: number,
  body: string,
  extra: Parameters<FakeGitHub["addPullRequest"]>[1] = {},
) {
  return h.fake.addPullRequest(REPO, { number, author: "agent", body, headSha: `head-${number}`, ...extra });
}

function gateRun(sha: string) {
  const runs = h.fake.repo(REPO).checkRuns.filter((r) => r.name === GATE_CHECK && r.headSha === sha);
  return runs.at(-1);
}

function labels(number: number) {
  return h.fake.issue(REPO, number).labels;
}

function gateWrites() {
  return h.fake.requests.filter((r) => r.kind === "write");
}

async function review(
  number: number,
  reviewer: string,
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED",
) {
  await h.receive("pull_request_review", h.reviewEvent(REPO, number, reviewer, state));
}

async function comment(number: number, author: string, body: string) {
  await h.receive("issue_comment", h.commentEvent(REPO, number, author, body));
}

async function closeIssue(number: number, by: string, reason: "COMPLETED" | "NOT_PLANNED" = "COMPLETED") {
  const issue = h.fake.issue(REPO, number);
  issue.state = "CLOSED";
  issue.stateReason = reason;
  issue.closedAt = new Date().toISOString();
  await h.receive("issues", h.issueEvent(REPO, number, "closed", { sender: by }));
}

describe("quality gate check run", () => {
  it("ignores the author's own approval", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    expect(gateRun("head-10")).toMatchObject({ status: "in_progress", conclusion: null });
    await review(10, "agent", "APPROVED");
    await review(10, "alice", "APPROVED");
    expect(h.fake.unhandled).toEqual([]);
    const run = gateRun("head-10")!;
    expect(run.status).toBe("in_progress");
    expect(run.output.summary).toContain("| #1 Schema | ✅ approved by @alice | ⏳ waiting |");
    expect(run.output.summary).toContain("@agent wrote this pull request");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ status: "completed", conclusion: "success" });
    expect(gateRun("head-10")!.output.title).toBe("SPEC #1 validated by B1 and B2");
    expect(labels(1)).toEqual(expect.arrayContaining(["in-review", "validated"]));
    expect(h.fake.repo(REPO).checkRuns.filter((r) => r.name === GATE_CHECK)).toHaveLength(1);
  });

  it("counts no review of a deleted account (author null) and answers its events without failing", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    // GitHub's GraphQL gives the deleted account's review `author: null`; its webhook may carry no user either.
    const event = h.reviewEvent(REPO, 10, GHOST, "APPROVED");
    await h.receive("pull_request_review", event);
    await h.receive("pull_request_review", {
      ...event,
      review: { ...event.review, user: null },
      sender: null,
    });
    await comment(10, "alice", "LGTM");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ status: "completed", conclusion: "success" });
    expect(gateRun("head-10")!.output.summary).not.toContain(GHOST);
    expect(h.fake.unhandled).toEqual([]);
  });

  it("reads a pull request and a SPEC whose authors were deleted", async () => {
    setup();
    h.fake.issue(REPO, 1).author = GHOST;
    openPullRequest(10, "Closes #1", { author: GHOST });
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ status: "completed", conclusion: "success" });
    expect(h.fake.unhandled).toEqual([]);
  });

  it("drops an approval given before a push, and starts a new run on the new head", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    h.fake.push(REPO, 10, "head-10b");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "synchronize"));
    const fresh = gateRun("head-10b")!;
    expect(fresh).toMatchObject({ status: "in_progress" });
    expect(fresh.output.summary).toContain("@alice approved an older commit (`head-10`)");
    expect(fresh.output.summary).toContain("| ⏳ waiting | ⏳ waiting |");
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    expect(labels(1)).not.toContain("validated");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10b")).toMatchObject({ conclusion: "success" });
  });

  it("keeps approvals across a push that leaves the content unchanged (same tree)", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    h.fake.push(REPO, 10, "head-10-rebased", "tree-head-10");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "synchronize"));
    expect(gateRun("head-10-rebased")).toMatchObject({ conclusion: "success" });
  });

  it("doesn't let one person fill both stages", async () => {
    setup("validation:\n  b1: [alice, bob]\n  b2: [alice, carol]\n");
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    expect(gateRun("head-10")!.output.summary).toContain("| ✅ approved by @alice | ⏳ waiting |");
    await comment(1, "alice", "/batch approve b2");
    expect(gateRun("head-10")).toMatchObject({ status: "in_progress" });
    expect(gateRun("head-10")!.output.summary).toContain(
      "@alice already counts for the other stage; B2 needs a different validator.",
    );
    await review(10, "bob", "APPROVED");
    // bob takes B1, which frees alice for B2.
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    expect(gateRun("head-10")!.output.summary).toContain(
      "| ✅ approved by @bob | ✅ approved by @alice (comment) |",
    );
  });

  it("fails on changes requested after an approval, and passes once they are approved", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(labels(1)).toContain("validated");
    await review(10, "bob", "CHANGES_REQUESTED");
    expect(gateRun("head-10")).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(gateRun("head-10")!.output.title).toBe("Changes requested on #1");
    expect(labels(1)).toEqual(expect.arrayContaining(["changes-requested", "in-review"]));
    expect(labels(1)).not.toContain("validated");
    expect(h.fake.botComments(REPO, 1)).toEqual([]);
    expect(h.fake.botComments(REPO, 10)).toEqual([]);
    h.fake.push(REPO, 10, "head-10b");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "synchronize"));
    await review(10, "bob", "APPROVED");
    await review(10, "alice", "APPROVED");
    expect(gateRun("head-10b")).toMatchObject({ conclusion: "success" });
    expect(labels(1)).not.toContain("changes-requested");
  });

  it("counts a dismissed approval no more", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    const dismissed = h.fake.addReview(REPO, 10, "bob", "APPROVED");
    await h.receive("pull_request_review", h.reviewEvent(REPO, 10, "carol", "COMMENTED"));
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    dismissed.state = "DISMISSED";
    const event = h.reviewEvent(REPO, 10, "carol", "COMMENTED");
    await h.receive("pull_request_review", { ...event, action: "dismissed" });
    expect(gateRun("head-10")).toMatchObject({ status: "in_progress" });
  });

  it("reads team membership from GitHub, once per event", async () => {
    setup("validation:\n  b1: ['@acme/qa']\n  b2: ['@acme/leads', dave]\n");
    h.fake.teams.set("acme/qa", new Set(["alice"]));
    h.fake.teams.set("acme/leads", new Set(["bob"]));
    openPullRequest(10, "Closes #1");
    await review(10, "carol", "APPROVED");
    expect(gateRun("head-10")!.output.summary).toContain("@carol is not a B1 or B2 validator.");
    await review(10, "alice", "APPROVED");
    h.fake.reset();
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    const teamReads = h.fake.requests.filter((r) => r.path.includes("/teams/")).map((r) => r.path);
    // alice: qa (member); bob: qa (no), leads (member); carol: qa, leads; each asked once in this event.
    expect(teamReads.sort()).toEqual(
      [
        "/orgs/acme/teams/leads/memberships/alice",
        "/orgs/acme/teams/leads/memberships/bob",
        "/orgs/acme/teams/leads/memberships/carol",
        "/orgs/acme/teams/qa/memberships/alice",
        "/orgs/acme/teams/qa/memberships/bob",
        "/orgs/acme/teams/qa/memberships/carol",
      ].sort(),
    );
    h.fake.teams.set("acme/leads", new Set());
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "reopened"));
    expect(gateRun("head-10")).toMatchObject({ status: "in_progress" });
  });

  it("requires the E2E check: missing, failed, then passed", async () => {
    setup("validation:\n  e2e-check: e2e\n");
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({ status: "in_progress" });
    expect(gateRun("head-10")!.output.summary).toContain("| ⏳ missing |");
    const failed = h.fake.addCheckRun(REPO, { name: "e2e", headSha: "head-10", conclusion: "failure" });
    await h.receive("check_run", h.checkRunEvent(REPO, failed));
    expect(gateRun("head-10")).toMatchObject({ conclusion: "failure" });
    expect(gateRun("head-10")!.output.title).toBe("E2E check failed on #1");
    expect(labels(1)).not.toContain("changes-requested");
    const passed = h.fake.addCheckRun(REPO, { name: "e2e", headSha: "head-10", conclusion: "success" });
    await h.receive("check_run", h.checkRunEvent(REPO, passed));
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    expect(labels(1)).toContain("validated");
    expect(h.fake.unhandled).toEqual([]);
  });

  it("accepts a commit status as the E2E check", async () => {
    setup("validation:\n  e2e-check: ci/e2e\n");
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    await h.receive("status", h.statusEvent(REPO, "head-10", "ci/e2e", "success"));
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
    h.fake.reset();
    await h.receive("status", h.statusEvent(REPO, "head-10", "ci/lint", "failure"));
    expect(h.fake.requests.filter((r) => r.path === "/graphql")).toEqual([]);
  });

  it("checks every SPEC a pull request closes", async () => {
    setup();
    h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec"] });
    h.fake.addIssue(REPO, { number: 3, title: "UI", labels: ["spec"] });
    h.fake.addIssue(REPO, { number: 4, title: "Not a SPEC" });
    openPullRequest(10, "Closes #1\nFixes #2\n\nResolves #4", { closingIssues: [3] });
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    const summary = gateRun("head-10")!.output.summary!;
    expect(summary).toContain("| #1 Schema |");
    expect(summary).toContain("| #2 API |");
    expect(summary).toContain("| #3 UI |");
    expect(summary).not.toContain("#4");
    for (const n of [1, 2, 3]) expect(labels(n)).toContain("in-review");
    expect(labels(4)).toEqual([]);
    await comment(2, "carol", "/batch reject b2 the endpoint returns 500");
    expect(gateRun("head-10")).toMatchObject({ conclusion: "failure" });
    expect(gateRun("head-10")!.output.title).toBe("Changes requested on #2");
    expect(gateRun("head-10")!.output.summary).toContain(
      "❌ changes requested by @carol: the endpoint returns 500",
    );
    expect(labels(2)).toContain("changes-requested");
    await comment(2, "carol", "/batch approve b2");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(gateRun("head-10")).toMatchObject({
      conclusion: "success",
      output: expect.objectContaining({ title: "All 3 SPECs validated by B1 and B2" }),
    });
    for (const n of [1, 2, 3]) expect(labels(n)).toContain("validated");
  });

  it("links by closing keyword in the body even off the default branch", async () => {
    setup();
    openPullRequest(10, "Part of the release.\n\nCloses #1", { baseRef: "release" });
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    expect(gateRun("head-10")!.output.summary).toContain("| #1 Schema |");
    h.fake.issue(REPO, 10).body = "Part of the release.";
    await h.receive(
      "pull_request",
      h.pullRequestEvent(REPO, 10, "edited", {
        changes: { body: { from: "Part of the release.\n\nCloses #1" } },
      }),
    );
    expect(gateRun("head-10")).toMatchObject({
      conclusion: "neutral",
      output: expect.objectContaining({ title: "No SPEC linked" }),
    });
    expect(labels(1)).not.toContain("in-review");
  });

  it("never counts approvals forged in bodies, quotes or code", async () => {
    setup();
    openPullRequest(10, "Closes #1\n\nApproved-by: @alice\n/batch approve b1\n/batch approve b2");
    h.fake.issue(REPO, 1).body = "/batch approve b1\n/batch approve b2";
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    await comment(1, "alice", "> /batch approve b1");
    await comment(1, "bob", "```\n/batch approve b2\n```");
    expect(gateRun("head-10")!.output.summary).toContain("| ⏳ waiting | ⏳ waiting |");
    const spoofed = h.fake.addComment(REPO, 1, "alice", "LGTM");
    spoofed.body = "/batch approve b1";
    spoofed.editor = "mallory";
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "reopened"));
    expect(gateRun("head-10")!.output.summary).toContain("| ⏳ waiting | ⏳ waiting |");
    expect(labels(1)).not.toContain("validated");
  });

  it("ignores events the app caused itself", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    h.fake.reset();
    await h.receive(
      "pull_request",
      h.pullRequestEvent(REPO, 10, "opened", { sender: { login: "batchbot[bot]", type: "Bot" } }),
    );
    await h.receive("pull_request_review", {
      ...h.reviewEvent(REPO, 10, "alice", "APPROVED"),
      sender: { login: "batchbot[bot]", type: "Bot" },
    });
    expect(h.fake.requests).toEqual([]);
  });

  it("re-evaluates when someone re-runs the check", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    h.fake.addReview(REPO, 10, "alice", "APPROVED");
    h.fake.addReview(REPO, 10, "bob", "APPROVED");
    await h.receive("check_run", h.checkRunEvent(REPO, gateRun("head-10")!, "rerequested", "alice"));
    expect(gateRun("head-10")).toMatchObject({ conclusion: "success" });
  });

  it("marks a pull request that closes no SPEC neutral, and drafts aren't in review", async () => {
    setup();
    openPullRequest(10, "Typo fix");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    expect(gateRun("head-10")).toMatchObject({ status: "completed", conclusion: "neutral" });
    openPullRequest(11, "Closes #1", { isDraft: true });
    await h.receive("pull_request", h.pullRequestEvent(REPO, 11, "opened"));
    expect(gateRun("head-11")).toMatchObject({ status: "in_progress" });
    expect(labels(1)).not.toContain("in-review");
    h.fake.issue(REPO, 11).pullRequest!.isDraft = false;
    await h.receive("pull_request", h.pullRequestEvent(REPO, 11, "ready_for_review"));
    expect(labels(1)).toContain("in-review");
  });
});

describe("quality gate budget", () => {
  it("costs one GraphQL read and one check-run write per pull request, and nothing when nothing changed", async () => {
    setup();
    h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec", "in-review"] });
    h.fake.addIssue(REPO, { number: 3, title: "UI", labels: ["spec", "in-review"] });
    h.fake.label(h.fake.repo(REPO), "in-review");
    h.fake.issue(REPO, 1).labels.push("in-review");
    openPullRequest(10, "Closes #1, closes #2, closes #3");
    h.fake.addReview(REPO, 10, "alice", "COMMENTED");
    const event = h.pullRequestEvent(REPO, 10, "opened");
    h.fake.reset();
    await h.receive("pull_request", event, "delivery-budget");
    const graphql = h.fake.requests.filter((r) => r.path === "/graphql");
    expect(graphql.map((r) => r.operation)).toEqual(["BatchbotGatePullRequest"]);
    expect(gateWrites().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /repos/acme/specs/check-runs"]);
    // The rest are configuration reads (the repository's file and the organisation's).
    expect(
      h.fake.requests
        .filter((r) => r.path !== "/graphql" && r.kind === "read")
        .every((r) => r.path.includes("/contents/")),
    ).toBe(true);

    h.fake.reset();
    await h.receive("pull_request", event, "delivery-budget");
    expect(h.fake.requests.filter((r) => r.path === "/graphql")).toHaveLength(1);
    expect(gateWrites()).toEqual([]);
    expect(h.fake.unhandled).toEqual([]);
  });

  it("reads each collaborator's permission once per event for command approvals", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    h.fake.addComment(REPO, 1, "alice", "/batch approve b1");
    h.fake.addComment(REPO, 1, "alice", "/batch approve b1");
    h.fake.addComment(REPO, 1, "reader", "/batch approve b2");
    h.fake.reset();
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    const permissionReads = h.fake.requests.filter((r) => r.path.includes("/permission")).map((r) => r.path);
    expect(permissionReads.sort()).toEqual([
      "/repos/acme/specs/collaborators/alice/permission",
      "/repos/acme/specs/collaborators/reader/permission",
    ]);
    expect(gateRun("head-10")!.output.summary).toContain("@reader is not a B2 validator.");
  });
});

describe("approve and reject commands", () => {
  it("validates a SPEC without a pull request, and refuses the assignee and outsiders", async () => {
    setup();
    await comment(1, "agent", "/batch approve b1");
    expect(h.fake.issue(REPO, 1).comments.at(-1)!.body).toContain("assignees can't validate their own SPEC");
    await comment(1, "reader", "/batch approve b1");
    expect(h.fake.issue(REPO, 1).comments.at(-1)!.body).toContain("@reader can't approve B1 of #1");
    const refusals = h.fake
      .issue(REPO, 1)
      .comments.filter((c) => c.reactions.some((r) => r.content === "-1"));
    expect(refusals.map((c) => c.author)).toEqual(["agent", "reader"]);
    await comment(1, "alice", "/batch reject b1 the migration is missing");
    expect(labels(1)).toContain("changes-requested");
    await comment(1, "alice", "/batch approve b1");
    expect(labels(1)).not.toContain("changes-requested");
    await comment(1, "bob", "/batch approve b2");
    expect(labels(1)).toContain("validated");
    const acks = h.fake.issue(REPO, 1).comments.filter((c) => c.reactions.some((r) => r.content === "eyes"));
    expect(acks.map((c) => c.author)).toEqual(["alice", "alice", "bob"]);
    expect(h.fake.botComments(REPO, 1)).toHaveLength(2);
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
  });

  it("answers misuse once with the usage", async () => {
    setup();
    await comment(1, "alice", "/batch approve");
    expect(h.fake.botComments(REPO, 1).at(-1)!.body).toContain("name the stage: `b1` or `b2`");
    await comment(1, "alice", "/batch reject b2");
    expect(h.fake.botComments(REPO, 1).at(-1)!.body).toContain("say why");
    openPullRequest(10, "Closes #1");
    await comment(10, "alice", "/batch approve b1");
    expect(h.fake.botComments(REPO, 10).at(-1)!.body).toContain("validate with a review");
    h.fake.addIssue(REPO, { number: 5, title: "Idea" });
    await comment(5, "alice", "/batch approve b1");
    expect(h.fake.botComments(REPO, 5).at(-1)!.body).toContain("#5 is not a SPEC");
    expect(labels(1)).toEqual(["spec"]);
  });
});

describe("closing a SPEC", () => {
  it("reopens a SPEC closed without validation and says what is missing", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await closeIssue(1, "agent");
    const spec = h.fake.issue(REPO, 1);
    expect(spec.state).toBe("OPEN");
    const sticky = h.fake.botComments(REPO, 1);
    expect(sticky).toHaveLength(1);
    const section = parseSticky(sticky[0]!.body)["quality-gate"]!;
    expect(section).toContain("@agent closed this SPEC as completed before B1 and B2 validated it");
    expect(section).toContain("#10 (open): B1 ✅ approved by @alice · B2 ⏳ waiting");
    // The reopen is batchbot's own event; a redelivered close writes nothing more.
    h.fake.reset();
    await h.receive("issues", h.issueEvent(REPO, 1, "reopened", { sender: "batchbot[bot]" }));
    await closeIssueRedelivered();
    expect(gateWrites()).toEqual([]);
    // Validation and merge: GitHub closes the SPEC, and the close stands; the note goes away.
    await review(10, "bob", "APPROVED");
    expect(labels(1)).toContain("validated");
    expect(parseSticky(h.fake.botComments(REPO, 1)[0]?.body)["quality-gate"]).toBeUndefined();
    h.fake.issue(REPO, 10).pullRequest!.merged = true;
    h.fake.issue(REPO, 10).state = "CLOSED";
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "closed"));
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    expect(labels(1)).toContain("validated");
    expect(labels(1)).not.toContain("in-review");
  });

  async function closeIssueRedelivered() {
    const event = h.issueEvent(REPO, 1, "closed", { sender: "agent" });
    event.issue.state = "closed";
    event.issue.state_reason = "completed";
    await h.receive("issues", event);
  }

  it("clears the note once the close stands", async () => {
    setup();
    openPullRequest(10, "Closes #1");
    await review(10, "alice", "APPROVED");
    await review(10, "bob", "APPROVED");
    expect(labels(1)).toContain("validated");
    // Validated but not merged: closing by hand is still too early.
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("OPEN");
    expect(parseSticky(h.fake.botComments(REPO, 1)[0]!.body)["quality-gate"]).toContain(
      "#10 (open): B1 ✅ approved by @alice · B2 ✅ approved by @bob",
    );
    h.fake.issue(REPO, 10).pullRequest!.merged = true;
    h.fake.issue(REPO, 10).state = "CLOSED";
    await closeIssue(1, "alice");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    expect(h.fake.botComments(REPO, 1)).toEqual([]);
  });

  it("finds an approval given before a long discussion", async () => {
    setup();
    h.fake.addComment(REPO, 1, "alice", "/batch approve b1");
    h.fake.addComment(REPO, 1, "bob", "/batch reject b2 not yet");
    for (let i = 0; i < 120; i++) h.fake.addComment(REPO, 1, "carol", `thought ${i}`);
    h.fake.addComment(REPO, 1, "bob", "/batch approve b2");
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    expect(h.fake.requests.some((r) => r.path.startsWith("/repos/acme/specs/issues/1/comments"))).toBe(true);
  });

  it("lets the close stand when GitHub refuses the reopen", async () => {
    setup();
    h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec", "blocked"], body: "Depends on #1" });
    h.fake.failNext({
      match: (r) => r.operation === "BatchbotWrites",
      status: 403,
      message: "Resource not accessible by integration",
    });
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    expect(labels(2)).toContain("ready");
  });

  it("keeps the close from counting when the reopen fails on the way, and the next sweep reopens it", async () => {
    setup();
    h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec", "blocked"], body: "Depends on #1" });
    await h.receive("issues", h.issueEvent(REPO, 1, "opened"));
    expect(labels(1)).toContain("ready");
    h.fake.failNext({ match: (r) => r.operation === "BatchbotWrites", status: 502 });
    await closeIssue(1, "agent");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    // Nothing acted on the close: #1 keeps its readiness label, #2 stays blocked.
    expect(labels(1)).toContain("ready");
    expect(labels(2)).toContain("blocked");
    ranJob(await h.jobs.reconcile());
    expect(h.fake.issue(REPO, 1).state).toBe("OPEN");
    expect(labels(2)).toContain("blocked");
    expect(
      h.fake.botComments(REPO, 1).filter((c) => c.body.includes("before B1 and B2 validated it")),
    ).toHaveLength(1);
  });

  it("lets a SPEC be closed as not planned", async () => {
    setup();
    await closeIssue(1, "agent", "NOT_PLANNED");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    expect(h.fake.botComments(REPO, 1)).toEqual([]);
  });

  it("lets a maintainer force a close, recording the reason, and refuses everyone else", async () => {
    setup();
    h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec", "blocked"], body: "Depends on #1" });
    await comment(1, "alice", "/batch close --force shipped already");
    expect(h.fake.issue(REPO, 1).state).toBe("OPEN");
    expect(h.fake.botComments(REPO, 1).at(-1)!.body).toContain(
      "Only maintainers (admin or maintain permission)",
    );
    const refused = h.fake.issue(REPO, 1).comments.find((c) => c.author === "alice")!;
    expect(refused.reactions.map((r) => r.content)).toEqual(["-1"]);
    await comment(1, "mona", "/batch close");
    expect(h.fake.botComments(REPO, 1).at(-1)!.body).toContain("needs `--force` and a reason");
    await comment(1, "mona", "/batch close --force");
    expect(h.fake.botComments(REPO, 1).at(-1)!.body).toContain("give the reason");
    expect(h.fake.issue(REPO, 1).state).toBe("OPEN");
    const command = h.commentEvent(REPO, 1, "mona", "/batch close --force shipped in the 2.3 hotfix");
    await h.receive("issue_comment", command);
    const spec = h.fake.issue(REPO, 1);
    expect(spec).toMatchObject({ state: "CLOSED", stateReason: "COMPLETED" });
    const sticky = h.fake.botComments(REPO, 1).find((c) => c.body.includes("batchbot:sticky"))!;
    expect(parseSticky(sticky.body)["forced-close"]).toContain(
      "@mona closed this SPEC as completed with `/batch close --force`",
    );
    expect(sticky.body).toContain("shipped in the 2.3 hotfix");
    expect(sticky.body).toContain("<!-- batchbot:forced-close ");
    // The SPEC waiting on it is ready now, although batchbot ignores its own close event.
    await h.receive("issues", h.issueEvent(REPO, 1, "closed", { sender: "batchbot[bot]" }));
    expect(labels(2)).toContain("ready");
    expect(h.fake.issue(REPO, 1).state).toBe("CLOSED");
    h.fake.reset();
    await h.receive("issue_comment", command);
    expect(gateWrites().filter((r) => r.path === "/graphql")).toEqual([]);
  });
});
