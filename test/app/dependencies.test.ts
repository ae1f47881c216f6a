import { afterEach, describe, expect, it } from "vitest";
import { createHarness, examplePayload, type Harness, repositoryPayload } from "../helpers/harness.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

function spec(number: number, body = "", extra: Record<string, unknown> = {}) {
  return h.fake.addIssue(R, { number, title: `SPEC ${number}`, labels: ["spec"], body, ...extra });
}
/** The SPEC's labels without the quality gate's (`validated` stays on a SPEC closed after B1 and B2 approved it). */
const labels = (n: number, repo = R) => h.fake.issue(repo, n).labels.filter((l) => l !== "validated");
const stickies = (n: number) => h.fake.botComments(R, n);

/** B1 and B2 approve SPEC `n` by command, so the quality gate lets its close stand. */
function validate(n: number) {
  const repo = h.fake.repo(R);
  repo.collaborators.set("alice", "write");
  repo.collaborators.set("bob", "write");
  h.fake.addComment(R, n, "alice", "/batch approve b1");
  h.fake.addComment(R, n, "bob", "/batch approve b2");
}

async function close(n: number, reason: "COMPLETED" | "NOT_PLANNED" = "COMPLETED") {
  if (reason === "COMPLETED") validate(n);
  const issue = h.fake.issue(R, n);
  issue.state = "CLOSED";
  issue.stateReason = reason;
  issue.closedAt = "2026-11-25T12:00:00Z";
  await h.receive("issues", h.issueEvent(R, n, "closed"));
}
async function reopen(n: number) {
  const issue = h.fake.issue(R, n);
  issue.state = "OPEN";
  issue.stateReason = "REOPENED";
  issue.closedAt = null;
  await h.receive("issues", h.issueEvent(R, n, "reopened"));
}
async function edit(n: number, body: string) {
  const issue = h.fake.issue(R, n);
  const from = issue.body;
  issue.body = body;
  await h.receive("issues", h.issueEvent(R, n, "edited", { changes: { body: { from } } }));
}

describe("dependency labels", () => {
  it("unblocks a chain #1 ← #2 ← #3 step by step as SPECs close", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    spec(3, "Blocked by #2");
    await h.receive("issues", h.issueEvent(R, 3, "opened"));
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    expect([labels(1), labels(2), labels(3)]).toEqual([
      ["spec", "ready"],
      ["spec", "blocked"],
      ["spec", "blocked"],
    ]);

    await close(1);
    expect(labels(1)).toEqual(["spec"]);
    expect(labels(2)).toEqual(["spec", "ready"]);
    expect(labels(3)).toEqual(["spec", "blocked"]);

    await close(2);
    expect(labels(3)).toEqual(["spec", "ready"]);

    await reopen(1);
    expect(labels(1)).toEqual(["spec", "ready"]);
    expect(labels(2)).toEqual(["spec"]);
    expect(labels(3)).toEqual(["spec", "ready"]);
    expect(h.fake.unhandled).toEqual([]);
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"))).toEqual([]);
  });

  it("keeps a SPEC blocked when its dependency is closed as not planned, and says why once", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    await close(1, "NOT_PLANNED");
    expect(labels(2)).toEqual(["spec", "blocked"]);
    expect(stickies(2)).toHaveLength(1);
    expect(stickies(2)[0]!.body).toMatch(/#1.*not planned/i);

    await reopen(1);
    await close(1, "COMPLETED");
    expect(labels(2)).toEqual(["spec", "ready"]);
    expect(stickies(2)).toHaveLength(0);
  });

  it("reports a cycle with its full path in one sticky comment, edits it, and removes it when resolved", async () => {
    h = createHarness();
    spec(3, "Depends on #7");
    spec(7, "Depends on #3");
    await h.receive("issues", h.issueEvent(R, 7, "opened"));
    expect(labels(3)).toContain("blocked");
    expect(labels(7)).toContain("blocked");
    expect(stickies(3)).toHaveLength(1);
    expect(stickies(7)).toHaveLength(1);
    expect(stickies(7)[0]!.body).toContain("#7 → #3 → #7");
    expect(stickies(3)[0]!.body).toContain("#3 → #7 → #3");

    spec(9, "", { state: "CLOSED", stateReason: "COMPLETED" });
    await edit(7, "Depends on #3 and #9");
    expect(stickies(7)).toHaveLength(1);
    expect(stickies(7)[0]!.body).toContain("#7 → #3 → #7");

    await edit(7, "Depends on #9");
    expect(stickies(3)).toHaveLength(0);
    expect(stickies(7)).toHaveLength(0);
    expect(labels(3)).toEqual(["spec", "blocked"]);
    expect(labels(7)).toEqual(["spec", "ready"]);
    expect(h.fake.unhandled).toEqual([]);
  });

  it("reports a self-dependency", async () => {
    h = createHarness();
    spec(5, "Depends on #5");
    await h.receive("issues", h.issueEvent(R, 5, "opened"));
    expect(labels(5)).toEqual(["spec", "blocked"]);
    expect(stickies(5)[0]!.body).toContain("#5 → #5");
  });

  it("names an unreadable reference and reads cross-repository dependencies", async () => {
    h = createHarness();
    h.fake.addIssue("acme/api", { number: 3, title: "API", state: "CLOSED", stateReason: "COMPLETED" });
    h.fake.addIssue("acme/web", { number: 4, title: "Web" });
    spec(1, "Depends on acme/api#3");
    spec(2, "Requires https://github.com/acme/web/issues/4");
    spec(6, "Depends on acme/api#404");
    for (const n of [1, 2, 6]) await h.receive("issues", h.issueEvent(R, n, "opened"));
    expect(labels(1)).toEqual(["spec", "ready"]);
    expect(labels(2)).toEqual(["spec", "blocked"]);
    expect(labels(6)).toEqual(["spec", "blocked"]);
    expect(stickies(6)[0]!.body).toMatch(/Unreadable dependency\*\* acme\/api#404/);
    expect(stickies(1)).toHaveLength(0);
    expect(stickies(2)).toHaveLength(0);
  });

  it("ignores dependencies written in code blocks and quotes", async () => {
    h = createHarness();
    spec(1);
    spec(2, "```\nDepends on #1\n```\n> Depends on #1\n");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    expect(labels(2)).toEqual(["spec", "ready"]);
  });

  it("removes readiness labels when an issue stops being a SPEC", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    h.fake.issue(R, 2).labels = ["blocked"];
    await h.receive("issues", h.issueEvent(R, 2, "unlabeled", { label: { name: "spec" } }));
    expect(labels(2)).toEqual([]);
  });

  it("re-evaluates dependents when a SPEC is deleted", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    const payload = h.issueEvent(R, 1, "deleted");
    h.fake.repo(R).issues.delete(1);
    await h.receive("issues", payload);
    expect(labels(2)).toEqual(["spec", "blocked"]);
    expect(stickies(2)[0]!.body).toMatch(/#1/);
  });
});

describe("idempotence and self-events", () => {
  it("writes nothing when an event is redelivered", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    spec(3, "Depends on #2 and #3");
    const event = h.issueEvent(R, 3, "opened");
    await h.receive("issues", event, "same-delivery");
    expect(h.fake.writes).toBeGreaterThan(0);
    h.fake.reset();
    await h.receive("issues", event, "same-delivery");
    expect(h.fake.writes).toBe(0);
    await close(1);
    h.fake.reset();
    await close(1);
    expect(h.fake.writes).toBe(0);
  });

  it("ignores events its own bot account caused", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    await h.receive("issues", h.issueEvent(R, 2, "labeled", { sender: "batchbot[bot]" }));
    expect(h.fake.requests).toEqual([]);
  });
});

describe("native issue dependencies", () => {
  it("mirrors written dependencies into blocked_by and removes only the ones the text dropped", async () => {
    h = createHarness();
    const one = spec(1);
    const two = spec(2);
    const manual = h.fake.addIssue(R, { number: 4, title: "set by hand" });
    const three = spec(3, "Depends on #1, #2");
    three.blockedBy = [manual.databaseId];
    await h.receive("issues", h.issueEvent(R, 3, "opened"));
    expect(three.blockedBy.sort()).toEqual([one.databaseId, two.databaseId, manual.databaseId].sort());

    await edit(3, "Depends on #2");
    expect(three.blockedBy.sort()).toEqual([two.databaseId, manual.databaseId].sort());
    h.fake.reset();
    await edit(3, "Depends on #2");
    expect(h.fake.writes).toBe(0);
  });
});

describe("configuration", () => {
  const invalid =
    "labels:\n  spec: 12\n  blokced: x\nbatch:\n  size: {min: 12, max: 10}\n  overlap: 100000000\n";

  it("reports an invalid file as a failing check run on the pushed commit, and changes nothing else", async () => {
    h = createHarness();
    const repo = h.fake.repo(R);
    repo.filesAt.set("abc123", new Map([[".github/batch.yml", invalid]]));
    const base = examplePayload("push");
    await h.receive("push", {
      ...base,
      ref: "refs/heads/main",
      after: "abc123",
      deleted: false,
      commits: [{ ...base.commits?.[0], added: [], modified: [".github/batch.yml"], removed: [] }],
      head_commit: { ...(base.head_commit ?? {}), added: [], modified: [".github/batch.yml"], removed: [] },
      repository: repositoryPayload(repo, base.repository),
      installation: { id: 1 },
    });
    expect(repo.checkRuns).toHaveLength(1);
    const run = repo.checkRuns[0]!;
    expect(run).toMatchObject({ name: "batchbot config", headSha: "abc123", conclusion: "failure" });
    expect(run.output.summary).toContain("`labels.spec`");
    expect(run.output.summary).toContain("got 12");
    expect(run.output.summary).toContain('unknown key "blokced"');
    expect(run.output.summary).toContain("`batch.size`");
    expect(run.output.summary).toContain("`batch.overlap`: at most 10");
    expect(h.fake.requests.filter((r) => r.kind === "write")).toHaveLength(1);
  });

  it("answers a command given while the file is invalid, once, and labels nothing", async () => {
    h = createHarness();
    h.fake.repo(R).files.set(".github/batch.yml", invalid);
    spec(1);
    spec(2, "Depends on #1");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    expect(h.fake.writes).toBe(0);
    const event = h.commentEvent(R, 2, "alice", "/batch help");
    await h.receive("issue_comment", event);
    await h.receive("issue_comment", event);
    const replies = stickies(2);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("`.github/batch.yml` is invalid");
    expect(replies[0]!.body).toContain("`labels.spec`");
    expect(labels(2)).toEqual(["spec"]);
  });

  it("uses custom label names from the configuration", async () => {
    h = createHarness();
    h.fake.repo(R).files.set(".github/batch.yml", "labels:\n  spec: SPEC\n  blocked: waiting\n  ready: go\n");
    h.fake.addIssue(R, { number: 1, title: "a", labels: ["SPEC"] });
    h.fake.addIssue(R, { number: 2, title: "b", labels: ["SPEC"], body: "After #1" });
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    expect(labels(1)).toEqual(["SPEC", "go"]);
    expect(labels(2)).toEqual(["SPEC", "waiting"]);
  });
});

describe("installation", () => {
  it("labels every SPEC of the repositories it is installed on and explains problems, without mirroring", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    spec(3, "Depends on #3");
    const base = examplePayload("installation", "created");
    await h.receive("installation", {
      ...base,
      action: "created",
      repositories: [{ id: 1, name: "specs", full_name: R, private: false }],
      sender: { ...base.sender, login: "octocat" },
    });
    expect([labels(1), labels(2), labels(3)]).toEqual([
      ["spec", "ready"],
      ["spec", "blocked"],
      ["spec", "blocked"],
    ]);
    expect(h.fake.issue(R, 2).blockedBy).toEqual([]);
    expect(h.fake.requests.some((r) => r.path.includes("/comments"))).toBe(false);
    // Only #3 has a problem (a self-dependency): one sticky comment, on it alone.
    expect([stickies(1), stickies(2)]).toEqual([[], []]);
    expect(stickies(3)).toHaveLength(1);
    expect(stickies(3)[0]!.body).toContain("#3 → #3");
  });
});

describe("GitHub Enterprise Server", () => {
  it("talks to /api/v3 and /api/graphql on GHE_HOST and reads that host's issue URLs", async () => {
    h = createHarness({
      baseUrl: "https://ghe.example.com/api/v3",
      hosts: ["github.com", "ghe.example.com"],
    });
    spec(1, "", { state: "CLOSED", stateReason: "COMPLETED" });
    spec(2, "Requires https://ghe.example.com/acme/specs/issues/1");
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    expect(labels(2)).toEqual(["spec", "ready"]);
    expect(h.fake.requests.map((r) => r.path)).toContain("/api/graphql");
  });
});
