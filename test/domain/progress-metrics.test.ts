import { describe, expect, it } from "vitest";
import { computeMetrics, type ProgressMetrics } from "../../src/domain/progress-metrics.js";
import { buildRegistry } from "../../src/domain/registry.js";
import {
  CHANGES_REQUESTED_EVER,
  FIXTURE_REPO,
  fixtureBatches,
  fixtureConfig,
  fixtureIssues,
  NOW,
} from "../helpers/metrics-fixture.js";

function metrics(withHistory = true): ProgressMetrics {
  const config = fixtureConfig();
  const specs = [...buildRegistry(FIXTURE_REPO, fixtureIssues(), config).specs.values()];
  return computeMetrics({
    specs,
    batches: fixtureBatches(),
    config,
    now: NOW,
    ...(withHistory ? { changesRequestedEver: CHANGES_REQUESTED_EVER } : {}),
  });
}

const m = metrics();
const agent = (login: string) => m.agents.find((a) => a.agent === login)!;
const batch = (n: number) => m.batches.find((b) => b.number === n)!;

// [figure, actual, expected, how it is computed by hand from test/helpers/metrics-fixture.ts]
const cases: Array<[string, unknown, unknown, string]> = [
  [
    "agent order",
    m.agents.map((a) => a.agent),
    ["db-agent", "ui-agent", "extra-agent"],
    "configured first, then others",
  ],
  [
    "db current batch",
    agent("db-agent").current,
    { number: 101, sequence: 2, done: 0, total: 3 },
    "#101 open; 5,8,9 open",
  ],
  ["db in review", agent("db-agent").inReview, 1, "#5 has in-review"],
  [
    "db blockers",
    agent("db-agent").blockers.map((b) => [b.batch, b.ageDays]),
    [[101, 2]],
    "Nov 23 06:00 → Nov 25 12:00 = 2d 6h",
  ],
  ["db batches completed", agent("db-agent").batchesCompleted, 1, "#100 closed"],
  [
    "ui current batch",
    agent("ui-agent").current,
    { number: 102, sequence: 1, done: 0, total: 4 },
    "6,7,10,5 open",
  ],
  ["ui in review", agent("ui-agent").inReview, 1, "shared #5 is in review"],
  ["ui batches completed", agent("ui-agent").batchesCompleted, 0, "#102 open"],
  [
    "extra agent",
    [agent("extra-agent").current, agent("extra-agent").batchesCompleted],
    [null, 1],
    "#103 closed",
  ],
  ["batch order", m.batches.map((b) => b.number), [103, 100, 101, 102], "by createdAt"],
  ["#100 done", [batch(100).done, batch(100).specs], [4, 4], "1,2,3,4 closed"],
  ["#100 time to completion", batch(100).hoursToCompletion, 60, "Nov 1 00:00 → Nov 3 12:00"],
  ["#100 reuse", batch(100).reuse, 0.25, "#3 found of 4"],
  ["#100 e2e", batch(100).e2e, 2 / 3, "finished 1,2,3 (4 not planned); validated 1,2"],
  ["#100 messages, blockers", [batch(100).messages, batch(100).blockers], [2, 1], "meta"],
  ["#101 e2e", batch(101).e2e, null, "nothing finished"],
  ["#101 messages", batch(101).messages, 3, "meta.messages.total"],
  ["#102 e2e", batch(102).e2e, 1, "#7 validated, the only finished"],
  ["#102 messages", batch(102).messages, 1, "no meta: assignment only"],
  ["#103 messages", batch(103).messages, 2, "no meta: assignment + completion report"],
  ["#103 time to completion", batch(103).hoursToCompletion, 48, "Sep 28 → Sep 30"],
  ["open SPECs", m.system.openSpecs, 7, "#5..#11"],
  ["closed SPECs", m.system.closedSpecs, 5, "1,2,3,4,12"],
  [
    "open by status",
    m.system.openByStatus,
    { Blocked: 1, Ready: 0, "In batch": 3, "In review": 1, "Changes requested": 1, Validated: 1 },
    "#11 blocked; 8,9,10 in open batches; 5; 6; 7",
  ],
  ["closed in 7 days", m.system.velocity.last7, 2, "#1 (1d), #2 (5d); #4 not planned"],
  ["per day (7)", m.system.velocity.perDay7, 2 / 7, "2 / 7"],
  ["closed in 30 days", m.system.velocity.last30, 3, "#1, #2, #3 (15d); #12 is 55d old"],
  ["per day (30)", m.system.velocity.perDay30, 0.1, "3 / 30"],
  ["gate reviewed", m.system.gate.reviewed, 4, "validated 1,2,7 ∪ changes requested 2,6"],
  ["gate pass rate", m.system.gate.passed.rate, 0.75, "3 validated / 4"],
  ["gate first pass", m.system.gate.firstPass.rate, 0.5, "1,7 (2 had changes requested) / 4"],
  [
    "e2e",
    [m.system.e2e.count, m.system.e2e.of, m.system.e2e.rate],
    [3, 5, 0.6],
    "validated 1,2,7 of finished 1,2,3,7,12",
  ],
  ["reuse", [m.system.reuse.count, m.system.reuse.of], [1, 11], "#3 of assigned 1-10,12"],
  [
    "discovery",
    [m.system.discovery.count, m.system.discovery.of],
    [1, 5],
    "#3 of closed batch SPECs 1,2,3,4,12",
  ],
  ["messages total", m.system.messages.total, 8, "2 + 3 + 1 + 2"],
  ["messages per SPEC", m.system.messages.perSpec, 8 / 11, "8 / 11 SPECs"],
  ["traditional", m.system.messages.traditional, [33, 44], "3×11, 4×11"],
  ["reduction", m.system.messages.reduction, [1 - 8 / 33, 1 - 8 / 44], "75.8%, 81.8%"],
  ["saved", m.system.messages.saved, [25, 36], "33 − 8, 44 − 8"],
  ["batch completion", m.system.batchCompletion, { completed: 2, medianHours: 54 }, "median of 48, 60"],
  ["open blockers", m.system.openBlockers.map((b) => b.batch), [101], "#100's is cleared"],
  [
    "forecast",
    m.system.forecast,
    { open: 7, velocity: 2 / 7, window: 7, days: 25, date: "2026-12-20" },
    "7 / (2/7) = 24.5 → 25 days after Nov 25",
  ],
];

describe("metrics from the fixed fixture", () => {
  it.each(cases)("%s", (_name, actual, expected) => {
    if (typeof expected === "number") expect(actual).toBeCloseTo(expected, 10);
    else expect(actual).toEqual(expected);
  });

  it("counts only current labels for the first pass when there is no label history", () => {
    const offline = metrics(false);
    // reviewed: validated 1,2,7 ∪ changes-requested 6 = 4; first pass: 1,2,7 = 3
    expect(offline.system.gate.firstPass).toEqual({ count: 3, of: 4, rate: 0.75 });
    expect(offline.system.gate.passed).toEqual({ count: 3, of: 4, rate: 0.75 });
  });

  it("has no rates, no forecast and no reduction for an empty repository", () => {
    const empty = computeMetrics({ specs: [], batches: [], config: fixtureConfig(), now: NOW });
    expect(empty.system.gate.passed.rate).toBeNull();
    expect(empty.system.messages.perSpec).toBeNull();
    expect(empty.system.messages.reduction).toBeNull();
    expect(empty.system.forecast).toEqual({
      open: 0,
      velocity: 0,
      window: null,
      days: 0,
      date: "2026-11-25",
    });
  });

  it("falls back to the 30-day velocity, and gives no forecast without any", () => {
    const config = fixtureConfig();
    const specs = [...buildRegistry(FIXTURE_REPO, fixtureIssues(), config).specs.values()].map((s) =>
      s.number === 1 || s.number === 2 ? { ...s, closedAt: "2026-11-10T12:00:00Z" } : s,
    );
    const slow = computeMetrics({ specs, batches: [], config, now: NOW });
    // 30-day window: 1, 2, 3 → 0.1/day; 7 open → 70 days
    expect(slow.system.forecast).toMatchObject({ window: 30, days: 70, date: "2027-02-03" });
    const none = computeMetrics({
      specs: specs.filter((s) => s.state === "OPEN"),
      batches: [],
      config,
      now: NOW,
    });
    expect(none.system.forecast).toMatchObject({ window: null, days: null, date: null });
  });

  it("gives the E2E rate only when an E2E check is configured", () => {
    const config = { ...fixtureConfig(), validation: null };
    const specs = [...buildRegistry(FIXTURE_REPO, fixtureIssues(), config).specs.values()];
    const e2e = computeMetrics({ specs, batches: fixtureBatches(), config, now: NOW }).system.e2e;
    expect(e2e).toEqual({ count: 3, of: 5, rate: null, configured: false });
  });

  it("is deterministic", () => {
    expect(metrics()).toEqual(metrics());
  });
});
