import { describe, expect, it } from "vitest";
import {
  type DashboardContext,
  progressBar,
  renderAgentTable,
  renderDashboard,
} from "../../src/domain/dashboard.js";
import { computeMetrics } from "../../src/domain/progress-metrics.js";
import { buildRegistry } from "../../src/domain/registry.js";
import {
  CHANGES_REQUESTED_EVER,
  FIXTURE_REPO,
  fixtureBatches,
  fixtureConfig,
  fixtureIssues,
  NOW,
} from "../helpers/metrics-fixture.js";

function fixtureMetrics() {
  const config = fixtureConfig();
  const specs = [...buildRegistry(FIXTURE_REPO, fixtureIssues(), config).specs.values()];
  return computeMetrics({
    specs,
    batches: fixtureBatches(),
    config,
    now: NOW,
    changesRequestedEver: CHANGES_REQUESTED_EVER,
  });
}

const context: DashboardContext = { repo: FIXTURE_REPO, board: null };

describe("progress bar", () => {
  const cases: Array<[number, number, string]> = [
    [0, 3, "`░░░░░░░░░░` 0/3"],
    [1, 3, "`███░░░░░░░` 1/3"],
    [2, 3, "`███████░░░` 2/3"],
    [10, 10, "`██████████` 10/10"],
    [0, 0, "`░░░░░░░░░░` 0/0"],
  ];
  it.each(cases)("%i of %i", (done, total, expected) => expect(progressBar(done, total)).toBe(expected));
});

describe("dashboard", () => {
  const body = renderDashboard(fixtureMetrics(), context);

  it("renders identically from the same state", () => {
    expect(renderDashboard(fixtureMetrics(), context)).toBe(body);
  });

  it("starts with the hidden marker", () => {
    expect(body.startsWith('<!-- batchbot:dashboard {"v":1} -->')).toBe(true);
  });

  // Every figure, as the fixture's hand-computed values render.
  const lines = [
    "| db-agent | #101 (batch 2) | `░░░░░░░░░░` 0/3 | 1 | #101: waiting for DB \\| credentials from @\u200bops (2d) | 1 |",
    "| ui-agent | #102 (batch 1) | `░░░░░░░░░░` 0/4 | 1 | — | 0 |",
    "| extra-agent | — | — | 0 | — | 1 |",
    "**Open SPECs: 7** (Blocked 1 · Ready 0 · In batch 3 · In review 1 · Changes requested 1 · Validated 1) · closed: 5",
    "| Velocity (SPECs closed) | 2 in 7 days (0.3/day) · 3 in 30 days (0.1/day) |",
    "| Quality gate | first pass 50% (2 validated without changes requested) · pass rate 75% (3 of 4 reviewed) |",
    "| E2E validation | 60% (3 of 5 finished SPECs validated) |",
    "| Reuse (found existing) | 9% (1 of 11 SPECs) |",
    "| Discovery success | 20% (1 of 5 investigated SPECs) |",
    "| Messages | 0.73 per SPEC against the traditional 3–4: 76%–82% fewer (8 messages instead of 33–44 for 11 SPECs) |",
    "| Batch time to completion | median 2.3 d over 2 completed batches |",
    "| Open blockers | 1 |",
    "| Forecast | 7 open SPECs at 0.3/day (last 7 days): empty in about 25 days (2026-12-20) |",
    "| #100 | db-agent | 1 | closed | `██████████` 4/4 | 2.5 d | 25% | 67% | 2 | 1 |",
    "| #103 | extra-agent | 1 | closed | `██████████` 1/1 | 2.0 d | 0% | 0% | 2 | 0 |",
  ];
  it.each(lines)("shows %s", (line) => expect(body.split("\n")).toContain(line));

  it("never mentions anyone (a rewritten body would notify them)", () => {
    expect(body).not.toMatch(/@[A-Za-z]/);
  });

  it("lists the newest batches first and counts the ones left out", () => {
    const short = renderDashboard(fixtureMetrics(), { ...context, maxBatches: 2 });
    const rows = short.split("\n").filter((l) => /^\| #\d+ \|/.test(l));
    expect(rows.map((r) => r.slice(2, 6))).toEqual(["#102", "#101"]);
    expect(short).toContain("2 older batches not shown.");
  });

  it("shows the board and what needs fixing on it", () => {
    const board = { url: "https://github.com/orgs/acme/projects/3", title: "SPECs", problems: [] };
    expect(renderDashboard(fixtureMetrics(), { ...context, board })).toContain(
      "## Board\n\n[SPECs](https://github.com/orgs/acme/projects/3) is in sync",
    );
    const broken = renderDashboard(fixtureMetrics(), {
      ...context,
      board: { ...board, problems: ["No Status."] },
    });
    expect(broken).toContain(
      "[SPECs](https://github.com/orgs/acme/projects/3) needs attention:\n\n- No Status.",
    );
  });

  it("says when there is nothing to show yet", () => {
    const empty = computeMetrics({ specs: [], batches: [], config: fixtureConfig(), now: NOW });
    const text = renderDashboard(empty, context);
    expect(text).toContain("| Quality gate | — (no SPEC reviewed yet) |");
    expect(text).toContain("| Forecast | The queue is empty. |");
    expect(text).toContain("No batches yet.");
    expect(renderAgentTable([])).toMatch(/^No agents yet/);
  });
});
