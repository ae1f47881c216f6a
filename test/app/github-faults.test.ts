import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../helpers/fake-github.js";
import { fastOctokit } from "../helpers/github-client.js";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

function specs(fake: FakeGitHub) {
  fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
  fake.addIssue("acme/specs", { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
}

const writes = (fake: FakeGitHub) =>
  fake.requests.filter((r) => r.kind === "write").map((r) => `${r.method} ${r.path} ${r.operation ?? ""}`);

/** The writes of the same event on a GitHub that never fails, to compare a faulty run with. */
async function cleanRunWrites(): Promise<string[]> {
  const clean = createHarness({ Octokit: fastOctokit().Octokit });
  specs(clean.fake);
  await clean.receive("issues", clean.issueEvent("acme/specs", 2, "opened"));
  const out = writes(clean.fake);
  clean.fake.uninstall();
  return out;
}

describe("GitHub faults during a handler", () => {
  it("retries a 502 on the registry read: the SPEC is labelled and nothing is written twice", async () => {
    const expected = await cleanRunWrites();
    const { Octokit, metrics } = fastOctokit();
    h = createHarness({ Octokit });
    specs(h.fake);
    h.fake.failNext({ match: (r) => r.operation === "BatchbotRegistry", status: 502 });
    await h.receive("issues", h.issueEvent("acme/specs", 2, "opened"));
    expect(h.fake.issue("acme/specs", 2).labels).toContain("blocked");
    expect(writes(h.fake)).toEqual(expected);
    expect(await metrics.count("githubRetries", { reason: "server_error" })).toBe(1);
  });

  it("waits out a secondary rate limit on the label write", async () => {
    const expected = await cleanRunWrites();
    const { Octokit, metrics } = fastOctokit();
    h = createHarness({ Octokit });
    specs(h.fake);
    h.fake.failNext({
      match: (r) => r.operation === "BatchbotWrites",
      status: 403,
      message: SECONDARY,
      headers: { "retry-after": "1" },
    });
    await h.receive("issues", h.issueEvent("acme/specs", 2, "opened"));
    expect(h.fake.issue("acme/specs", 2).labels).toContain("blocked");
    // The refused request is sent again; GitHub applied it once.
    expect(writes(h.fake).length).toBe(expected.length + 1);
    expect(await metrics.count("githubRetries", { reason: "secondary_rate_limit" })).toBe(1);
  });

  it("never posts a reply twice: a reply GitHub posted but answered 502 is found by the redelivery", async () => {
    const { Octokit } = fastOctokit();
    h = createHarness({ Octokit });
    h.fake.addIssue("acme/specs", { number: 3, title: "Tracking" });
    const event = h.commentEvent("acme/specs", 3, "alice", "/batch help");
    h.fake.failNext({
      match: (r) => r.method === "POST" && r.path.endsWith("/issues/3/comments"),
      status: 502,
      applied: true,
    });
    await expect(h.receive("issue_comment", event, "delivery-help")).rejects.toThrow();
    expect(h.fake.botComments("acme/specs", 3)).toHaveLength(1);
    await h.receive("issue_comment", event, "delivery-help");
    expect(h.fake.botComments("acme/specs", 3)).toHaveLength(1);
    expect(h.fake.unhandled).toEqual([]);
  });
});
