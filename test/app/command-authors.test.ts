import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { GHOST } from "../helpers/fake-github.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { installLifecycleFake, seedBatch } from "../helpers/lifecycle.js";

const R = "acme/specs";
const CI = "ci-bot[bot]";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** Two SPECs in alice's batch #50, a planning issue, and another app's bot with write permission. */
function setup(config: Record<string, unknown> = {}) {
  h = createHarness();
  installLifecycleFake(h.fake);
  const repo = h.fake.repo(R);
  repo.collaborators.set("lead", "maintain");
  repo.collaborators.set("alice", "write");
  repo.collaborators.set("bob", "write");
  repo.collaborators.set(CI, "write");
  repo.collaborators.set("val1", "write");
  repo.files.set(
    ".github/batch.yml",
    stringify({ agents: [{ login: "bob" }], validation: { b1: ["val1", CI], b2: ["lead"] }, ...config }),
  );
  for (const n of [1, 2]) h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec"] });
  h.fake.addIssue(R, { number: 3, title: "Free SPEC", labels: ["spec"] });
  seedBatch(h.fake, R, { agent: "alice", specs: [1, 2], number: 50 });
  return h.fake.addIssue(R, { title: "Sprint planning" }).number;
}

async function command(author: string | null, number: number, body: string) {
  const payload = h.commentEvent(R, number, author, body);
  h.fake.reset();
  await h.receive("issue_comment", payload);
  return payload.comment.id as number;
}

/** The refusal: one 👎 on the command and no other write. */
function expectRefused(number: number, commentId: number) {
  const writes = h.fake.requests.filter((r) => r.kind === "write");
  expect(writes.map((r) => `${r.method} ${r.path}${r.operation ? ` ${r.operation}` : ""}`)).toEqual([
    `POST /repos/${R}/issues/comments/${commentId}/reactions`,
  ]);
  const comment = h.fake.issue(R, number).comments.find((c) => c.databaseId === commentId)!;
  expect(comment.reactions).toEqual([{ content: "-1", user: "batchbot[bot]" }]);
}

const batchIssues = () => [...h.fake.repo(R).issues.values()].filter((i) => i.labels.includes("batch"));

describe("who may command", () => {
  it("refuses another app's bot with write permission: /batch assign opens nothing", async () => {
    const planning = setup();
    const id = await command(CI, planning, "/batch assign");
    expectRefused(planning, id);
    expect(batchIssues()).toHaveLength(1);
  });

  it("refuses another app's bot on a batch issue: /batch release and /batch done change nothing", async () => {
    setup();
    const before = structuredClone(h.fake.issue(R, 50));
    for (const body of ["/batch release", "/batch done", "/batch blocked CI is red", "/batch next"]) {
      const id = await command(CI, 50, body);
      expectRefused(50, id);
    }
    const after = h.fake.issue(R, 50);
    expect(after.body).toBe(before.body);
    expect(after.state).toBe("OPEN");
    expect(after.subIssues).toEqual(before.subIssues);
    for (const n of [1, 2]) expect(h.fake.issue(R, n).assignees).toEqual(["alice"]);
  });

  it("refuses a bot's validator command even when the bot is a configured validator", async () => {
    setup();
    const id = await command(CI, 3, "/batch approve b1");
    expectRefused(3, id);
    expect(h.fake.issue(R, 3).labels).toEqual(["spec"]);
  });

  it("refuses a deleted account (no user on the comment), and the help too", async () => {
    const planning = setup();
    for (const body of ["/batch assign", "/batch help"]) {
      const id = await command(null, planning, body);
      expectRefused(planning, id);
    }
    const id = await command(GHOST, 50, "/batch release");
    // `ghost` as a User is a person without permission: refused by the command's own check.
    expect(h.fake.issue(R, 50).comments.find((c) => c.databaseId === id)!.reactions).toEqual([
      { content: "-1", user: "batchbot[bot]" },
    ]);
    expect(batchIssues()).toHaveLength(1);
  });

  it("takes commands from a bot listed under bots:, with its permission checked as anyone's", async () => {
    const planning = setup({ bots: [CI] });
    await command(CI, planning, "/batch assign");
    expect(batchIssues()).toHaveLength(2);
    expect(h.fake.botComments(R, planning)).toHaveLength(1);
    const id = await command("other-bot[bot]", planning, "/batch assign");
    expectRefused(planning, id);
    expect(h.fake.botComments(R, planning)).toHaveLength(1);
  });

  it("still takes a person's commands", async () => {
    const planning = setup();
    await command("lead", planning, "/batch assign");
    expect(batchIssues()).toHaveLength(2);
  });
});
