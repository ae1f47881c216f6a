import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { fastOctokit } from "../helpers/github-client.js";
import { createHarness, type Harness, type HarnessOptions } from "../helpers/harness.js";

/** The half-failed `/batch assign` cases of issue 11, each as GitHub behaves, each finished by running it again. */

const R = "acme/specs";
const AGENTS = ["a-opus", "b-opus", "c-opus", "d-opus", "e-opus", "f-opus"];
const SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** 36 SPECs and six agents: a full plan is six batches of six. */
function setup(options: HarnessOptions = {}, config: Record<string, unknown> = {}) {
  h = createHarness(options);
  const repo = h.fake.repo(R);
  repo.collaborators.set("lead", "maintain");
  for (const a of AGENTS) repo.collaborators.set(a, "write");
  repo.files.set(
    ".github/batch.yml",
    stringify({
      agents: AGENTS.map((login) => ({ login })),
      batch: {
        size: { min: 6, max: 6 },
        "priority-fixes": { min: 0, max: 1 },
        "new-work": { min: 5, max: 6 },
      },
      ...config,
    }),
  );
  for (let n = 1; n <= 36; n++) h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec"] });
  return h.fake.addIssue(R, { title: "Sprint planning" }).number;
}

const batches = () => [...h.fake.repo(R).issues.values()].filter((i) => i.labels.includes("batch"));
const metaOf = (i: FakeIssue) => decodeBatchMeta(i.body)!;
const replies = (n: number) => h.fake.botComments(R, n);

/** Every batch assigned to its agent, each SPEC assigned to it and its sub-issue; no SPEC in two batches. */
function expectComplete(count = 6) {
  const all = batches();
  expect(all.map((b) => metaOf(b).agent).sort()).toEqual(AGENTS.slice(0, count));
  const seen = new Set<number>();
  for (const b of all) {
    const meta = metaOf(b);
    expect(b.assignees).toEqual([meta.agent]);
    expect(meta.specs).toHaveLength(6);
    expect(b.subIssues).toEqual(meta.specs.map((n) => h.fake.issue(R, n).databaseId));
    for (const n of meta.specs) {
      expect(seen.has(n)).toBe(false);
      seen.add(n);
      expect(h.fake.issue(R, n).assignees).toEqual([meta.agent]);
    }
  }
}

function createIssues(r: { operation?: string; field?: string }) {
  return r.operation === "BatchbotWrites" && r.field === "createIssue";
}

describe("a half-failed /batch assign finishes when it runs again", () => {
  it("a 502 on the batch issues: the redelivery (same GUID) opens what is owed", async () => {
    const planning = setup();
    const payload = h.commentEvent(R, planning, "lead", "/batch assign");
    let requests = 0;
    // The first write creates the batch label, the second the batch issues.
    h.fake.failNext({ match: (r) => r.operation === "BatchbotWrites" && ++requests === 2, status: 502 });
    await h.receive("issue_comment", payload, "delivery-assign");
    expect(batches()).toEqual([]);
    expect(replies(planning)[0]!.body).toContain("No batch issue could be opened");
    h.fake.reset();
    await h.receive("issue_comment", payload, "delivery-assign");
    expect(h.fake.writes).toBeGreaterThan(0);
    expectComplete();
    expect(replies(planning)).toHaveLength(1);
    expect(replies(planning)[0]!.body).not.toContain("No batch issue could be opened");
  });

  it("403 secondary limits on the links, after the client's retries ran out: the redelivery assigns and links", async () => {
    const planning = setup({ Octokit: fastOctokit().Octokit });
    const payload = h.commentEvent(R, planning, "lead", "/batch assign");
    let writes = 0;
    // The batch label and the batch issues go through; every later write is refused, retries included.
    h.fake.failures.push({
      match: (r) => r.operation === "BatchbotWrites" && ++writes > 2,
      status: 403,
      message: SECONDARY,
      headers: { "retry-after": "1" },
      times: 20,
    });
    await h.receive("issue_comment", payload, "delivery-assign");
    expect(batches()).toHaveLength(6);
    expect(h.fake.issue(R, 1).assignees).toEqual([]);
    h.fake.failures.length = 0;
    await h.receive("issue_comment", payload, "delivery-assign");
    expectComplete();
    expect(replies(planning)).toHaveLength(1);
  });

  it("batch issues GitHub created while answering an error: the redelivery opens none twice and links them", async () => {
    const planning = setup();
    const payload = h.commentEvent(R, planning, "lead", "/batch assign");
    let writes = 0;
    // The first write creates the batch label, the second the batch issues.
    h.fake.failNext({
      match: (r) => r.operation === "BatchbotWrites" && ++writes === 2,
      status: 502,
      applied: true,
    });
    await h.receive("issue_comment", payload, "delivery-assign");
    expect(batches()).toHaveLength(6);
    expect(batches()[0]!.subIssues).toEqual([]);
    await h.receive("issue_comment", payload, "delivery-assign");
    expectComplete();
  });

  it("the same command given again after three batch issues failed finishes the first command's six batches", async () => {
    const planning = setup();
    let creates = 0;
    h.fake.failures.push({
      match: (r) => createIssues(r) && ++creates > 3,
      field: "createIssue",
      status: 200,
      times: 3,
      errorType: "FORBIDDEN",
      message: SECONDARY,
    });
    const first = h.commentEvent(R, planning, "lead", "/batch assign");
    await h.receive("issue_comment", first);
    expect(batches()).toHaveLength(3);
    expect(replies(planning)[0]!.body).toContain("No batch issue could be opened for");
    await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
    expectComplete();
    // All six are the first command's batches, `<first comment id>:<agent>`.
    expect(batches().map((b) => metaOf(b).sourceCommentId)).toEqual(Array(6).fill(first.comment.id));
    const [firstReply, secondReply] = replies(planning);
    expect(replies(planning)).toHaveLength(2);
    expect(firstReply!.body).not.toContain("No batch issue could be opened");
    expect(secondReply!.body).toContain("was unfinished, so this one finished it");
    // A third time: the first command is finished, so this one is a new command, and nothing is left to plan.
    await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
    expect(batches()).toHaveLength(6);
  });

  it("a batch size beyond GitHub's sub-issue limit is refused, and nothing is opened", async () => {
    const planning = setup({}, { batch: { size: { max: 100000000 } } });
    await h.receive("issue_comment", h.commentEvent(R, planning, "lead", "/batch assign"));
    expect(batches()).toEqual([]);
    expect(replies(planning)[0]!.body).toContain("`batch.size.max`: at most 50");
  });
});
