import nock from "nock";
import { stringify } from "yaml";
import { createHarness, type Harness } from "../test/helpers/harness.js";
import { installLifecycleFake, seedBatch } from "../test/helpers/lifecycle.js";
import type { BenchRow } from "./row.js";
import { syntheticIssues } from "./synthetic-specs.js";

/**
 * Request budgets per operation, replayed against the in-memory GitHub the tests use (every request counted as
 * nock sees it). The tests assert the same budgets; this puts the measured counts in the one table.
 */
const R = "acme/specs";

function count(h: Harness): string {
  return `${h.fake.requests.length} requests (${h.fake.reads} reads, ${h.fake.writes} writes)`;
}

async function closeInLargeRepository(): Promise<BenchRow> {
  const h = createHarness();
  h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
  h.fake.addIssue(R, { number: 1, title: "Foundation", labels: ["spec", "ready", "validated"] });
  h.fake.addComment(R, 1, "alice", "/batch approve b1");
  h.fake.addComment(R, 1, "bob", "/batch approve b2");
  for (let n = 2; n <= 21; n++)
    h.fake.addIssue(R, { number: n, title: `W ${n}`, labels: ["spec", "blocked"], body: "Depends on #1" });
  for (let n = 22; n <= 600; n++)
    h.fake.addIssue(R, { number: n, title: `S ${n}`, labels: ["spec", "ready"] });
  const one = h.fake.issue(R, 1);
  one.state = "CLOSED";
  one.stateReason = "COMPLETED";
  await h.receive("issues", h.issueEvent(R, 1, "closed"));
  const first = count(h);
  const ok = h.fake.reads <= 8 && h.fake.writes <= 2;
  h.fake.reset();
  await h.receive("issues", h.issueEvent(R, 1, "closed"));
  const again = h.fake.writes;
  h.fake.uninstall();
  return {
    name: "budget: close a SPEC in a 600-SPEC repository, 20 become ready (then redelivered)",
    value: `${first}; redelivery ${again} writes`,
    target: "≤ 8 reads, ≤ 2 writes; redelivery 0 writes",
    ok: ok && again === 0,
  };
}

async function assign(specs: number, agents: number, limit: number): Promise<BenchRow> {
  const h = createHarness();
  const repo = h.fake.repo(R);
  for (const issue of syntheticIssues({
    specs,
    edges: specs / 4,
    domains: ["database", "algorithm", "integration", "ui"],
    closed: 0.1,
  }))
    h.fake.addIssue(R, {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      labels: issue.labels,
      state: issue.state,
      stateReason: issue.stateReason === "DUPLICATE" ? "NOT_PLANNED" : issue.stateReason,
      assignees: issue.assignees,
    });
  const logins = Array.from({ length: agents }, (_, i) => `agent-${i + 1}`);
  repo.files.set(".github/batch.yml", stringify({ agents: logins.map((login) => ({ login })) }));
  repo.collaborators.set("lead", "maintain");
  for (const login of logins) repo.collaborators.set(login, "write");
  const planning = h.fake.addIssue(R, { title: "Sprint planning" }).number;
  h.fake.reset();
  await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
  const total = h.fake.requests.length;
  const value = count(h);
  h.fake.uninstall();
  return {
    name: `budget: /batch assign, ${specs} SPECs for ${agents} agents (progress refresh included)`,
    value,
    target: `≤ ${limit} requests`,
    ok: total <= limit,
  };
}

async function pullRequestGate(): Promise<BenchRow> {
  const h = createHarness();
  const repo = h.fake.repo(R);
  for (const login of ["alice", "bob", "agent"]) repo.collaborators.set(login, "write");
  for (const n of [1, 2, 3])
    h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec", "in-review"] });
  h.fake.addPullRequest(R, {
    number: 10,
    author: "agent",
    body: "Closes #1, closes #2, closes #3",
    headSha: "head-10",
  });
  h.fake.addReview(R, 10, "alice", "COMMENTED");
  const event = h.pullRequestEvent(R, 10, "opened");
  h.fake.reset();
  await h.receive("pull_request", event);
  const first = count(h);
  const graphql = h.fake.requests.filter((r) => r.path === "/graphql").length;
  const writes = h.fake.writes;
  h.fake.reset();
  await h.receive("pull_request", event);
  const again = h.fake.writes;
  h.fake.uninstall();
  return {
    name: "budget: quality gate for a pull request closing 3 SPECs (then re-evaluated unchanged)",
    value: `${first}, ${graphql} GraphQL; unchanged ${again} writes`,
    target: "1 GraphQL read, ≤ 1 check-run write; unchanged 0 writes",
    ok: graphql === 1 && writes <= 1 && again === 0,
  };
}

/** Requests to the repository, the sweep's walk over installations aside. */
function repositoryRequests(h: Harness) {
  const own = h.fake.requests.filter(
    (r) => !r.path.startsWith("/app/") && !r.path.startsWith("/installation/"),
  );
  return {
    reads: own.filter((r) => r.kind === "read").length,
    writes: own.filter((r) => r.kind === "write").length,
  };
}

/** 600 SPECs, one open batch of 3; a comment on it, redelivered; then a sweep: unchanged, and after a lost comment. */
async function messagesAndSweep(): Promise<BenchRow[]> {
  const h = createHarness();
  installLifecycleFake(h.fake);
  h.fake
    .repo(R)
    .files.set(
      ".github/batch.yml",
      "validation:\n  b1: [alice]\n  b2: [bob]\ndashboard:\n  enabled: false\n",
    );
  for (let n = 1; n <= 600; n++)
    h.fake.addIssue(R, { number: n, title: `S ${n}`, labels: ["spec", "ready"] });
  seedBatch(h.fake, R, { agent: "agent", specs: [1, 2, 3], number: 601 });
  await h.jobs.reconcile();
  h.fake.reset();
  const comment = h.commentEvent(R, 601, "agent", "Starting with #1.");
  await h.receive("issue_comment", comment, "bench-comment");
  const first = count(h);
  const ok = h.fake.reads <= 2 && h.fake.writes === 1;
  h.fake.reset();
  await h.receive("issue_comment", comment, "bench-comment");
  const again = h.fake.writes;
  h.fake.reset();
  await h.jobs.reconcile();
  const clean = repositoryRequests(h);
  h.fake.addComment(R, 601, "agent", "A comment whose delivery was lost.");
  h.fake.reset();
  await h.jobs.reconcile();
  const repair = repositoryRequests(h);
  h.fake.addComment(R, 2, "agent", "A comment on a SPEC whose delivery was lost.");
  h.fake.reset();
  await h.jobs.reconcile();
  const specRepair = repositoryRequests(h);
  h.fake.uninstall();
  return [
    {
      name: "budget: a comment on a batch issue, message count derived (then redelivered)",
      value: `${first}; redelivery ${again} writes`,
      target: "1 batch read (+ configuration), 1 write; redelivery 0 writes",
      ok: ok && again === 0,
    },
    {
      name: "budget: reconcile sweep, 600 SPECs and 1 open batch: unchanged / after a lost comment",
      value: `${clean.reads} reads, ${clean.writes} writes / ${repair.reads} reads, ${repair.writes} writes`,
      target: "unchanged ≤ 9 reads (8 + 1 per open batch), 0 writes; repair 1 write",
      ok: clean.reads <= 9 && clean.writes === 0 && repair.reads === clean.reads && repair.writes === 1,
    },
    {
      name: "budget: reconcile sweep, 600 SPECs and 1 open batch, after a lost comment on a SPEC",
      value: `${specRepair.reads} reads, ${specRepair.writes} writes`,
      target: "as many reads as unchanged, 1 write",
      ok: specRepair.reads === clean.reads && specRepair.writes === 1,
    },
  ];
}

export async function bench(): Promise<BenchRow[]> {
  nock.disableNetConnect();
  try {
    return [
      await closeInLargeRepository(),
      await pullRequestGate(),
      await assign(36, 6, 25),
      await assign(600, 60, 150),
      ...(await messagesAndSweep()),
    ];
  } finally {
    nock.enableNetConnect();
  }
}
