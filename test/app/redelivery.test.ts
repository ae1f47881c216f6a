import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BOT, createHarness, type Harness } from "../helpers/harness.js";
import { ranJob } from "../helpers/job-outcome.js";
import { issueOf, type SpecShape } from "../helpers/specs.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** Everything a person sees in the repository: issues with their labels, assignees, bodies and comments. */
function snapshot() {
  return [...h.fake.repo(R).issues.values()].map((i) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: [...i.labels].sort(),
    assignees: [...i.assignees].sort(),
    subIssues: [...i.subIssues],
    comments: i.comments.map((c) => `${c.author}: ${c.body}`),
    reactions: i.comments.flatMap((c) => c.reactions.map((r) => `${r.user}:${r.content}`)),
  }));
}

describe("redelivery of failed webhook deliveries", () => {
  it("redelivers a delivery the app never handled, once, and the state ends right", async () => {
    h = createHarness();
    // B1 and B2 approved #1, so the quality gate lets its close stand.
    h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    h.fake.addIssue(R, { number: 1, title: "Schema", labels: ["spec", "ready", "validated"] });
    h.fake.addComment(R, 1, "alice", "/batch approve b1");
    h.fake.addComment(R, 1, "bob", "/batch approve b2");
    h.fake.addIssue(R, { number: 2, title: "API", labels: ["spec", "blocked"], body: "Depends on #1" });
    await h.receive("issues", h.issueEvent(R, 2, "opened"));
    const one = h.fake.issue(R, 1);
    one.state = "CLOSED";
    one.stateReason = "COMPLETED";
    // The instance was restarting: GitHub logged a 502 and never retries it by itself.
    const guid = h.drop("issues", h.issueEvent(R, 1, "closed"));
    expect(h.fake.issue(R, 2).labels).toEqual(["spec", "blocked"]);

    const first = ranJob(await h.jobs.redeliver());
    expect(first).toMatchObject({ redelivered: [guid], pages: 1, listed: 2, refused: [] });
    expect(await h.sendRedeliveries()).toBe(1);
    expect(h.fake.issue(R, 2).labels).toEqual(["spec", "ready"]);
    // The redelivery carried the original GUID and succeeded; nothing is asked twice.
    expect(
      h.fake.deliveries.filter((d) => d.guid === guid).map((d) => [d.redelivery, d.status_code]),
    ).toEqual([
      [false, 502],
      [true, 200],
    ]);
    const second = ranJob(await h.jobs.redeliver());
    expect(second.redelivered).toEqual([]);
    expect(await h.sendRedeliveries()).toBe(0);
  });

  it("never asks twice for a GUID whose redelivery failed again", async () => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    const guid = h.drop("issues", h.issueEvent(R, 1, "edited"));
    expect(ranJob(await h.jobs.redeliver()).redelivered).toEqual([guid]);
    // GitHub redelivers, and that attempt fails too (a deploy in progress).
    const [requested] = h.fake.redeliveryRequests.splice(0);
    h.fake.recordDelivery({ ...requested!, redelivery: true, status_code: 503 });
    expect(ranJob(await h.jobs.redeliver()).redelivered).toEqual([]);
    expect(h.fake.redeliveryRequests).toEqual([]);
  });

  it("a redelivery GitHub refuses is not asked again; one GitHub failed to take is asked on the next run", async () => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    const refused = h.drop("issues", h.issueEvent(R, 1, "edited"));
    const failed = h.drop("issues", h.issueEvent(R, 1, "edited"));
    const attempt = (guid: string) =>
      `/app/hook/deliveries/${h.fake.deliveries.find((d) => d.guid === guid)!.id}/attempts`;
    h.fake.failNext({ match: (r) => r.path === attempt(refused), status: 422, message: "too old" });
    h.fake.failNext({ match: (r) => r.path === attempt(failed), status: 502 });
    expect(ranJob(await h.jobs.redeliver())).toMatchObject({ redelivered: [], refused: [refused, failed] });
    expect(ranJob(await h.jobs.redeliver())).toMatchObject({ redelivered: [failed], refused: [] });
    expect(await h.metrics.count("redeliveries", { outcome: "requested" })).toBe(1);
    expect(await h.metrics.count("redeliveries", { outcome: "refused" })).toBe(2);
  });

  it("leaves a failed delivery alone when a later attempt (a person's redelivery) succeeded", async () => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    const payload = h.issueEvent(R, 1, "edited");
    const guid = h.drop("issues", payload, 500);
    await h.receive("issues", payload, guid);
    const outcome = ranJob(await h.jobs.redeliver());
    expect(outcome).toMatchObject({ redelivered: [], succeededLater: 1 });
  });

  it("reads the delivery log only back to where the last run stopped", async () => {
    h = createHarness();
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    for (let i = 0; i < 250; i++) h.drop("issues", h.issueEvent(R, 1, "edited"), 200);
    h.fake.reset();
    expect(ranJob(await h.jobs.redeliver()).pages).toBe(3);
    // Everything listed is older than the checkpoint less its overlap: one page answers the next run.
    for (const d of h.fake.deliveries)
      d.delivered_at = new Date(Date.parse(d.delivered_at) - 3600_000).toISOString();
    const later = h.drop("issues", h.issueEvent(R, 1, "edited"));
    h.fake.reset();
    const next = ranJob(await h.jobs.redeliver());
    expect(next).toMatchObject({ pages: 1, listed: 1, redelivered: [later] });
    expect(h.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /app/hook/deliveries?per_page=100",
      `POST /app/hook/deliveries/${h.fake.deliveries.at(-1)!.id}/attempts`,
    ]);
  });

  it("caps the redeliveries of one run; the next run goes on where it stopped", async () => {
    h = createHarness({ jobs: { redelivery: { ...(await defaults()), maxPerRun: 2 } } });
    h.fake.addIssue(R, { number: 1, labels: ["spec", "ready"] });
    const guids = [1, 2, 3].map(() => h.drop("issues", h.issueEvent(R, 1, "edited")));
    expect(ranJob(await h.jobs.redeliver())).toMatchObject({ redelivered: guids.slice(0, 2), capped: true });
    expect(ranJob(await h.jobs.redeliver())).toMatchObject({ redelivered: guids.slice(2), capped: false });
  });

  it("a /batch assign run redelivered in full (every delivery timed out) opens nothing twice", async () => {
    h = createHarness();
    const specs: SpecShape[] = [
      { n: 1, domain: "database" },
      { n: 2, domain: "database", deps: [1] },
      { n: 3, domain: "ui" },
      { n: 4, domain: "ui", deps: [3] },
    ];
    const repo = h.fake.repo(R);
    repo.files.set(
      ".github/batch.yml",
      stringify({
        agents: [
          { login: "db-opus", domains: ["database"] },
          { login: "ui-opus", domains: ["ui"] },
        ],
      }),
    );
    repo.collaborators.set("lead", "maintain");
    repo.collaborators.set("db-opus", "write");
    repo.collaborators.set("ui-opus", "write");
    for (const spec of specs) {
      const issue = issueOf(spec);
      h.fake.addIssue(R, {
        number: issue.number,
        title: issue.title,
        body: issue.body,
        labels: issue.labels,
      });
      await h.receive("issues", h.issueEvent(R, issue.number, "opened"));
    }
    const planning = h.fake.addIssue(R, { title: "Sprint planning" }).number;
    await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
    // The events batchbot's own writes caused (batch issues opened and assigned) reach it too.
    const batches = [...repo.issues.values()].filter((i) => i.labels.includes("batch"));
    expect(batches).toHaveLength(2);
    for (const b of batches) {
      await h.receive("issues", h.issueEvent(R, b.number, "opened", { sender: BOT }));
      await h.receive("issues", h.issueEvent(R, b.number, "assigned", { sender: BOT }));
    }
    const before = snapshot();
    // Every delivery was handled, but GitHub's 10-second timeout logged each as failed.
    for (const d of h.fake.deliveries) d.status_code = 0;
    const count = h.fake.deliveries.length;
    h.fake.reset();

    const outcome = ranJob(await h.jobs.redeliver());
    expect(outcome.redelivered).toHaveLength(count);
    expect(await h.sendRedeliveries()).toBe(count);
    expect(snapshot()).toEqual(before);
    // The one write: the command's 👀 again, which GitHub keeps single (a reaction is per user and content).
    const writes = h.fake.requests.filter((r) => r.kind === "write" && !r.path.startsWith("/app/"));
    const commandId = h.fake.issue(R, planning).comments[0]!.databaseId;
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/${R}/issues/comments/${commandId}/reactions`,
    ]);
    expect(ranJob(await h.jobs.redeliver()).redelivered).toEqual([]);
  });
});

async function defaults() {
  return (await import("../../src/jobs/redeliver.js")).DEFAULT_REDELIVERY;
}
