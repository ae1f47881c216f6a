import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { reportSection } from "../../src/domain/batch-body.js";
import { GATE_CHECK } from "../../src/domain/quality-gate-report.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";

const REPO = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** Three SPECs in one batch of `copilot`, opened by `/batch assign`; Copilot's pull requests come from `Copilot`. */
async function batchOfThree(
  config: Record<string, unknown> = {},
  before: (h: Harness) => void = () => {},
): Promise<FakeIssue> {
  h = createHarness();
  before(h);
  const repo = h.fake.repo(REPO);
  repo.collaborators.set("lead", "maintain");
  repo.collaborators.set("copilot", "write");
  repo.files.set(".github/batch.yml", stringify({ agents: [{ login: "copilot" }], ...config }));
  for (const n of [1, 2, 3])
    h.fake.addIssue(REPO, { number: n, title: `SPEC ${n}`, labels: ["spec"], author: "lead" });
  const planning = h.fake.addIssue(REPO, { title: "Planning", author: "lead" }).number;
  await h.receive("issue_comment", h.commentEvent(REPO, planning, "lead", "/batch assign"));
  return [...repo.issues.values()].find((i) => i.labels.includes("batch"))!;
}

async function openPullRequest(number: number, body: string, isDraft = false) {
  h.fake.addPullRequest(REPO, { number, author: "Copilot", body, headSha: `head-${number}`, isDraft });
  await h.receive("pull_request", h.pullRequestEvent(REPO, number, "opened", { sender: "Copilot" }));
}

const labelsOf = (n: number) => h.fake.issue(REPO, n).labels;
const report = (batch: FakeIssue) => reportSection(h.fake.issue(REPO, batch.number).body) ?? "";

describe("progress from pull requests, without relay", () => {
  it("a pull request closing SPECs moves them to in review, in the batch's report too", async () => {
    const batch = await batchOfThree();
    await openPullRequest(20, "Implements the first two.\n\nCloses #1\nFixes #2");
    expect(labelsOf(1)).toContain("in-review");
    expect(labelsOf(2)).toContain("in-review");
    expect(labelsOf(3)).not.toContain("in-review");
    expect(report(batch)).toMatch(/#1[^\n]*in review/);
    expect(report(batch)).toMatch(/#3[^\n]*open/);
    expect(h.fake.unhandled).toEqual([]);
  });

  it("a pull request closing the whole batch issue counts for every SPEC of the batch", async () => {
    const batch = await batchOfThree();
    await openPullRequest(21, `Works through the batch.\n\nFixes #${batch.number}`);
    for (const n of [1, 2, 3]) expect(labelsOf(n)).toContain("in-review");
    for (const n of [1, 2, 3]) expect(report(batch)).toMatch(new RegExp(`#${n}[^\\n]*in review`));
    // Its quality-gate check run lists the batch's SPECs.
    const run = h.fake.repo(REPO).checkRuns.find((r) => r.name === GATE_CHECK && r.headSha === "head-21");
    for (const n of [1, 2, 3]) expect(run?.output.summary ?? "").toContain(`#${n}`);

    // A redelivery and a later read from the SPEC's side agree: nothing flips back.
    h.fake.reset();
    await h.receive("pull_request", h.pullRequestEvent(REPO, 21, "opened", { sender: "Copilot" }), "again");
    expect(h.fake.writes).toBe(0);
    await h.receive("issue_comment", h.commentEvent(REPO, 1, "lead", "/batch approve b1"));
    for (const n of [1, 2, 3]) expect(labelsOf(n)).toContain("in-review");
  });

  it("moves the batch's SPECs to In review on the board", async () => {
    const statuses = ["Blocked", "Ready", "In batch", "In review", "Changes requested", "Validated", "Done"];
    let project: ReturnType<ReturnType<typeof projectsOf>["addProject"]> | undefined;
    const batch = await batchOfThree({ project: { owner: "acme", number: 3 } }, (harness) => {
      project = projectsOf(harness.fake).addProject("acme", { number: 3, statusOptions: statuses });
    });
    const status = (n: number) => projectsOf(h.fake).value(project!, h.fake.issue(REPO, n).id, "Status");
    expect(status(1)).toBe("In batch");
    await openPullRequest(23, `Fixes #${batch.number}`);
    for (const n of [1, 2, 3]) expect(status(n)).toBe("In review");
    expect(h.fake.unhandled).toEqual([]);
  });

  it("a draft pull request is not in review yet", async () => {
    const batch = await batchOfThree();
    await openPullRequest(22, `Fixes #${batch.number}`, true);
    for (const n of [1, 2, 3]) expect(labelsOf(n)).not.toContain("in-review");
  });
});
