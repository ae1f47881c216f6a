import { describe, expect, it } from "vitest";
import { type BatchMeta, decodeBatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import { reportSection, taskLines } from "../../src/domain/batch-body.js";
import {
  addBlocker,
  clearBlockers,
  recordFoundExisting,
  releaseSpecs,
} from "../../src/domain/batch-changes.js";
import { countSpecComment, uncountSpecComment, withBatchComments } from "../../src/domain/batch-messages.js";
import { batchProgress, duration, type SpecSnapshot, specProgress } from "../../src/domain/batch-report.js";
import { updateBatch } from "../../src/domain/batch-update.js";
import { defaultConfig, parseConfig } from "../../src/domain/config.js";

const config = defaultConfig();
const text = { quote: (s: string) => s.replace(/@/g, "@\u2060"), name: (l: string) => `@\u2060${l}` };

const meta: BatchMeta = {
  v: 1,
  id: "9:alice",
  agent: "alice",
  sequence: 1,
  specs: [1, 2, 3],
  fixes: [1],
  shared: [],
  sourceCommentId: 9,
  createdAt: "2026-11-25T10:00:00Z",
};

function spec(
  number: number,
  state: "OPEN" | "CLOSED",
  labels: string[] = [],
  stateReason: SpecSnapshot["stateReason"] = null,
): SpecSnapshot {
  return {
    number,
    title: `SPEC ${number}`,
    state,
    stateReason: state === "CLOSED" ? (stateReason ?? "COMPLETED") : stateReason,
    labels: ["spec", ...labels],
  };
}

const body = `# Batch\n\n- [ ] 1. #1 One\n- [ ] 2. #2 Two\n- [ ] 3. #3 Three\n\n${encodeBatchMeta(meta)}\n`;

describe("specProgress", () => {
  it.each([
    { name: "closed and validated", s: spec(1, "CLOSED", ["validated"]), want: "validated" },
    { name: "closed without validation", s: spec(1, "CLOSED"), want: "merged" },
    { name: "closed as not planned", s: spec(1, "CLOSED", [], "NOT_PLANNED"), want: "dropped" },
    { name: "closed as duplicate", s: spec(1, "CLOSED", ["validated"], "DUPLICATE"), want: "dropped" },
    { name: "open and validated", s: spec(1, "OPEN", ["validated", "in-review"]), want: "approved" },
    {
      name: "changes requested",
      s: spec(1, "OPEN", ["in-review", "changes-requested"]),
      want: "changes-requested",
    },
    { name: "in review", s: spec(1, "OPEN", ["in-review"]), want: "in-review" },
    { name: "found existing (label)", s: spec(1, "OPEN", ["found-existing"]), want: "found-existing" },
    { name: "open", s: spec(1, "OPEN", ["ready"]), want: "open" },
    { name: "unreadable", s: undefined, want: "missing" },
  ])("$name → $want", ({ s, want }) => {
    expect(specProgress(s, meta, config.labels)).toBe(want);
  });

  it("counts a SPEC the metadata records as found existing even before its label arrives", () => {
    const m = recordFoundExisting(meta, 1, "src/db", "2026-11-25T11:00:00Z");
    expect(specProgress(spec(1, "OPEN"), m, config.labels)).toBe("found-existing");
  });

  it("follows renamed labels", () => {
    const custom = parseConfig({ labels: { validated: "qa-ok" } });
    if (!custom.ok) throw new Error("config");
    expect(specProgress(spec(1, "CLOSED", ["qa-ok"]), meta, custom.config.labels)).toBe("validated");
    expect(specProgress(spec(1, "CLOSED", ["validated"]), meta, custom.config.labels)).toBe("merged");
  });
});

describe("batchProgress", () => {
  it("is complete only when every SPEC is validated or closed as not planned", () => {
    const specs = new Map([
      [1, spec(1, "CLOSED", ["validated"])],
      [2, spec(2, "CLOSED", [], "NOT_PLANNED")],
      [3, spec(3, "CLOSED")],
    ]);
    expect(batchProgress(meta, specs, config)).toMatchObject({ validated: 1, settled: 2, complete: false });
    specs.set(3, spec(3, "CLOSED", ["validated"]));
    expect(batchProgress(meta, specs, config)).toMatchObject({ validated: 2, settled: 3, complete: true });
    expect(batchProgress({ ...meta, specs: [] }, specs, config).complete).toBe(false);
  });

  it("counts reuse, blockers and E2E", () => {
    let m = recordFoundExisting(meta, 2, "lib/api", "2026-11-25T11:00:00Z");
    m = addBlocker(m, { reason: "no DB", at: "2026-11-25T11:00:00Z", by: "alice", comment: 5 });
    m = addBlocker(m, { reason: "no key", at: "2026-11-25T12:00:00Z", by: "alice", comment: 6 });
    m = clearBlockers(m, "2026-11-25T11:30:00Z");
    const e2e = parseConfig({ validation: { "e2e-check": "e2e" } });
    if (!e2e.ok) throw new Error("config");
    const specs = new Map([
      [1, spec(1, "CLOSED", ["validated"])],
      [2, spec(2, "CLOSED", ["validated", "found-existing"])],
      [3, spec(3, "OPEN")],
    ]);
    const progress = batchProgress(m, specs, e2e.config);
    expect(progress).toMatchObject({ reuse: 1, blockerCount: 2, e2e: { check: "e2e", validated: 1 } });
    expect(progress.activeBlockers.map((b) => b.reason)).toEqual(["no key"]);
    expect(batchProgress(m, specs, config).e2e).toBeNull();
  });
});

describe("metadata changes are idempotent", () => {
  it.each([
    ["countSpecComment", (m: BatchMeta) => countSpecComment(m, 7)],
    ["uncountSpecComment", (m: BatchMeta) => uncountSpecComment(countSpecComment(m, 7), 7)],
    [
      "withBatchComments",
      (m: BatchMeta) =>
        withBatchComments(m, [{ id: 8, author: { login: "alice", type: "User" }, association: "NONE" }], {
          botLogin: "batchbot",
          bots: [],
        }),
    ],
    [
      "addBlocker",
      (m: BatchMeta) => addBlocker(m, { reason: "x", at: "2026-11-25T11:00:00Z", by: "a", comment: 1 }),
    ],
    ["recordFoundExisting", (m: BatchMeta) => recordFoundExisting(m, 1, "x", "2026-11-25T11:00:00Z")],
    ["releaseSpecs", (m: BatchMeta) => releaseSpecs(m, new Set([1]))],
  ])("%s applied twice equals applied once", (_name, change) => {
    const once = change(meta);
    expect(change(once)).toEqual(once);
  });

  it("release takes the SPEC out of specs, fixes, shared and found-existing", () => {
    const m = recordFoundExisting({ ...meta, shared: [1] }, 1, "x", "2026-11-25T11:00:00Z");
    expect(releaseSpecs(m, new Set([1]))).toMatchObject({
      specs: [2, 3],
      fixes: [],
      shared: [],
      foundExisting: [],
    });
  });

  it("unblocking clears only blockers reported before it", () => {
    let m = addBlocker(meta, { reason: "a", at: "2026-11-25T11:00:00Z", by: "x", comment: 1 });
    m = addBlocker(m, { reason: "b", at: "2026-11-25T13:00:00Z", by: "x", comment: 2 });
    m = clearBlockers(m, "2026-11-25T12:00:00Z");
    expect(m.blockers?.map((b) => !!b.clearedAt)).toEqual([true, false]);
  });
});

describe("updateBatch", () => {
  const open = new Map([
    [1, spec(1, "OPEN")],
    [2, spec(2, "OPEN")],
    [3, spec(3, "OPEN")],
  ]);
  const now = "2026-11-27T12:00:00Z";

  it("writes the report and the message count the first time, then nothing", () => {
    const first = updateBatch({ body, meta, specs: open, config, now, text });
    expect(first.changed).toBe(true);
    expect(first.completed).toBe(false);
    expect(reportSection(first.body)).toContain("**In progress:** 0 of 3 SPECs validated.");
    expect(decodeBatchMeta(first.body)?.messages).toEqual({ counted: [], total: 1 });
    const again = updateBatch({ body: first.body, meta: first.meta, specs: open, config, now, text });
    expect(again.changed).toBe(false);
    expect(again.body).toBe(first.body);
  });

  it("ticks closed SPECs and says what is missing", () => {
    const specs = new Map(open);
    specs.set(1, spec(1, "CLOSED", ["validated"]));
    specs.set(2, spec(2, "CLOSED"));
    const next = updateBatch({ body, meta, specs, config, now, text });
    expect(taskLines(next.body).map((t) => t.checked)).toEqual([true, true, false]);
    expect(reportSection(next.body)).toContain(
      "**Missing for completion:** #2 (merged, awaiting validation), #3 (open).",
    );
  });

  it("completes the batch: completion report, time to completion, the report counted as a message", () => {
    const specs = new Map([
      [1, spec(1, "CLOSED", ["validated"])],
      [2, spec(2, "CLOSED", ["validated", "found-existing"])],
      [3, spec(3, "CLOSED", ["validated"])],
    ]);
    let m = countSpecComment(countSpecComment(meta, 100), 101);
    m = recordFoundExisting(m, 2, "lib/@team/api", "2026-11-25T11:00:00Z");
    m = addBlocker(m, { reason: "waiting on @bob", at: "2026-11-25T11:00:00Z", by: "alice", comment: 5 });
    m = clearBlockers(m, "2026-11-25T15:00:00Z");
    const done = updateBatch({ body, meta: m, specs, config, now, text });
    expect(done.completed).toBe(true);
    expect(done.meta.completedAt).toBe(now);
    expect(done.meta.messages).toEqual({ counted: [100, 101], onSpecs: [100, 101], total: 4 });
    const report = reportSection(done.body)!;
    expect(report).toContain("## ✅ Completion report");
    expect(report).toContain("**Complete:** 3 of 3 SPECs validated, in 2 d 2 h.");
    expect(report).toContain("**Reuse:** 1 of 3 SPECs found existing (33%): #2 in lib/@\u2060team/api");
    expect(report).toContain("**Blockers:** 1 reported, none active");
    expect(report).toContain("waiting on @\u2060bob");
    expect(report).toContain("**Messages:** 4 for 3 SPECs (one SPEC at a time takes 9–12)");
    expect(report).not.toContain("Missing");
    const again = updateBatch({
      body: done.body,
      meta: done.meta,
      specs,
      config,
      now: "2026-11-28T00:00:00Z",
      text,
    });
    expect(again).toMatchObject({ changed: false, completed: false });
  });

  it("takes completion back when a SPEC reopens before the batch is closed", () => {
    const specs = new Map([
      [1, spec(1, "OPEN")],
      [2, spec(2, "CLOSED", ["validated"])],
      [3, spec(3, "CLOSED", ["validated"])],
    ]);
    const next = updateBatch({ body, meta: { ...meta, completedAt: now }, specs, config, now, text });
    expect(next.meta.completedAt).toBeNull();
    expect(next.meta.messages?.total).toBe(1);
  });
});

describe("duration", () => {
  it.each([
    ["2026-11-25T10:00:00Z", "2026-11-25T10:12:00Z", "12 min"],
    ["2026-11-25T10:00:00Z", "2026-11-25T15:20:00Z", "5 h 20 min"],
    ["2026-11-25T10:00:00Z", "2026-11-28T14:00:00Z", "3 d 4 h"],
  ])("%s → %s is %s", (from, to, want) => {
    expect(duration(from, to)).toBe(want);
  });
});
