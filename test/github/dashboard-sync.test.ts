import { afterEach, describe, expect, it } from "vitest";
import { refreshProgress } from "../../src/features/board-and-dashboard/run.js";
import type { FakeIssue } from "../helpers/fake-github.js";
import { BOT, createHarness, type Harness } from "../helpers/harness.js";
import { addBatchIssue, batchMeta, REPO, runtimeFor, seedAssignment } from "../helpers/progress-fixtures.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const NOW = new Date("2026-11-25T12:00:00Z");

function dashboards(): FakeIssue[] {
  return [...h.fake.repo(REPO).issues.values()].filter((i) => i.labels.includes("batch-dashboard"));
}

async function refresh(config: Record<string, unknown> = {}, dashboard: "auto" | "open" = "auto") {
  const report = await refreshProgress(await runtimeFor(h, config), { now: NOW, dashboard });
  expect(h.fake.unhandled).toEqual([]);
  return report;
}

describe("dashboard issue", () => {
  it("is not opened before the first batch", async () => {
    h = createHarness();
    seedAssignment(h, false);
    const report = await refresh();
    expect(report.dashboard).toEqual({ number: null, action: "none" });
    expect(dashboards()).toEqual([]);
    expect(h.fake.writes).toBe(0);
  });

  it("is opened on the first batch, labelled and pinned, and never commented on", async () => {
    h = createHarness();
    seedAssignment(h);
    h.fake.reset();
    const report = await refresh();
    expect(report.dashboard.action).toBe("created");
    const [dashboard] = dashboards();
    expect(dashboard).toMatchObject({ title: "Batch dashboard", author: BOT, pinned: true, comments: [] });
    expect(dashboard!.body).toContain("| DATABASE-OPUS | #37 (batch 1) | `░░░░░░░░░░` 0/6 | 0 | — | 0 |");
    // read; create label + issue; add label + pin
    expect(h.fake.requests.map((r) => [r.operation, r.fields])).toEqual([
      ["BatchbotProgress", 2],
      ["BatchbotWrites", 2],
      ["BatchbotWrites", 2],
    ]);
  });

  it("uses the existing label when it exists", async () => {
    h = createHarness();
    seedAssignment(h);
    h.fake.label(h.fake.repo(REPO), "batch-dashboard");
    h.fake.reset();
    await refresh();
    // read; create issue with its label; pin
    expect(h.fake.requests.map((r) => r.fields)).toEqual([2, 1, 1]);
    expect(dashboards()).toHaveLength(1);
  });

  it("is not rewritten when the rendered body is unchanged", async () => {
    h = createHarness();
    seedAssignment(h);
    await refresh();
    h.fake.reset();
    const report = await refresh();
    expect(report.dashboard.action).toBe("unchanged");
    expect(h.fake.writes).toBe(0);
  });

  it("is rewritten, silently, when what it shows changes", async () => {
    h = createHarness();
    seedAssignment(h);
    await refresh();
    const issue = h.fake.issue(REPO, 1);
    issue.state = "CLOSED";
    issue.stateReason = "COMPLETED";
    issue.closedAt = "2026-11-25T10:00:00Z";
    h.fake.reset();
    const report = await refresh();
    expect(report.dashboard.action).toBe("updated");
    expect(h.fake.requests.map((r) => [r.operation, r.fields])).toEqual([
      ["BatchbotProgress", 2],
      ["BatchbotWrites", 1],
    ]);
    const [dashboard] = dashboards();
    expect(dashboard!.body).toContain("| DATABASE-OPUS | #37 (batch 1) | `██░░░░░░░░` 1/6 | 0 | — | 0 |");
    expect(dashboard!.comments).toEqual([]);
  });

  it("is rebuilt after deletion with identical content", async () => {
    h = createHarness();
    seedAssignment(h);
    await refresh();
    const [first] = dashboards();
    h.fake.repo(REPO).issues.delete(first!.number);
    const report = await refresh();
    expect(report.dashboard.action).toBe("created");
    const [second] = dashboards();
    expect(second!.number).not.toBe(first!.number);
    expect(second!.body).toBe(first!.body);
  });

  it("leaves a closed dashboard closed, until /batch dashboard reopens it", async () => {
    h = createHarness();
    seedAssignment(h);
    await refresh();
    const [dashboard] = dashboards();
    dashboard!.state = "CLOSED";
    dashboard!.pinned = false;
    h.fake.reset();
    expect((await refresh()).dashboard.action).toBe("closed");
    expect(h.fake.writes).toBe(0);
    expect((await refresh({}, "open")).dashboard.action).toBe("reopened");
    expect(dashboard).toMatchObject({ state: "OPEN", pinned: true });
    expect(dashboards()).toHaveLength(1);
  });

  it("is opened by /batch dashboard even before any batch", async () => {
    h = createHarness();
    seedAssignment(h, false);
    const report = await refresh({}, "open");
    expect(report.dashboard.action).toBe("created");
    expect(dashboards()[0]!.body).toContain("No batches yet.");
  });

  it("doesn't take over a human's issue carrying the label", async () => {
    h = createHarness();
    seedAssignment(h);
    h.fake.addIssue(REPO, { title: "Our own dashboard", labels: ["batch-dashboard"], body: "hand-made" });
    const report = await refresh();
    expect(report.dashboard.action).toBe("created");
    expect(dashboards().map((d) => d.body === "hand-made")).toEqual([true, false]);
  });

  it("isn't pinned when the configuration says so, and isn't touched when disabled", async () => {
    h = createHarness();
    seedAssignment(h);
    await refresh({ dashboard: { pin: false } });
    expect(dashboards()[0]!.pinned).toBe(false);
    h.fake.repo(REPO).issues.delete(dashboards()[0]!.number);
    h.fake.reset();
    expect((await refresh({ dashboard: { enabled: false } })).dashboard.action).toBe("disabled");
    expect(h.fake.writes).toBe(0);
    expect(dashboards()).toEqual([]);
  });

  it("reports a pin GitHub refuses and keeps the dashboard", async () => {
    h = createHarness();
    seedAssignment(h);
    for (let i = 0; i < 3; i++) h.fake.addIssue(REPO, { title: `Pinned ${i}`, pinned: true });
    const report = await refresh();
    expect(report.dashboard.action).toBe("created");
    expect(report.failures).toEqual([
      expect.stringMatching(/pin the dashboard: A repository can't have more than 3 pinned issues/),
    ]);
  });

  it("shows blockers and messages recorded in batch metadata", async () => {
    h = createHarness();
    seedAssignment(h, false);
    addBatchIssue(
      h,
      batchMeta({
        agent: "UI-OPUS",
        specs: [1, 2],
        blockers: [{ reason: "design missing", at: "2026-11-22T12:00:00Z", by: "UI-OPUS" }],
        messages: { counted: [9], total: 2 },
      }),
    );
    await refresh();
    const body = dashboards()[0]!.body;
    expect(body).toContain(
      "| UI-OPUS | #37 (batch 1) | `░░░░░░░░░░` 0/2 | 0 | #37: design missing (3d) | 0 |",
    );
    expect(body).toContain(
      "| Messages | 1.00 per SPEC against the traditional 3–4: 67%–75% fewer (2 messages instead of 6–8 for 2 SPECs) |",
    );
  });
});
