import { describe, expect, it } from "vitest";
import { type BatchMeta, decodeBatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import {
  REPORT_END,
  REPORT_START,
  reportSection,
  taskLines,
  withBatchMeta,
  withReleasedTasks,
  withReport,
  withTaskChecks,
} from "../../src/domain/batch-body.js";

const meta: BatchMeta = {
  v: 1,
  id: "9:alice",
  agent: "alice",
  sequence: 1,
  specs: [12, 13, 14],
  fixes: [12],
  shared: [],
  sourceCommentId: 9,
  createdAt: "2026-11-25T10:00:00Z",
};

const body = [
  "# 🚀 BATCH ASSIGNMENT - @alice",
  "",
  "### PRIORITY FIXES (Fix Partial SPECs):",
  "- [ ] 1. #12 Users table · database — **fix:** add index",
  "",
  "### NEW IMPLEMENTATIONS:",
  "- [ ] 2. #13 API · integration",
  "- [x] #14 UI",
  "",
  "```",
  "- [ ] #12 inside code stays as is",
  "```",
  "> - [ ] #13 quoted stays as is",
  "- [ ] #120 another SPEC",
  "",
  encodeBatchMeta(meta),
  "",
].join("\n");

describe("task lines", () => {
  it("finds every SPEC's line, with or without a position, outside code and quotes", () => {
    expect(taskLines(body)).toEqual([
      { spec: 12, checked: false },
      { spec: 13, checked: false },
      { spec: 14, checked: true },
      { spec: 120, checked: false },
    ]);
  });

  it.each<{ name: string; closed: Record<number, boolean>; want: boolean[] }>([
    {
      name: "ticks closed SPECs and unticks reopened ones",
      closed: { 12: true, 14: false },
      want: [true, false, false],
    },
    { name: "leaves SPECs it knows nothing of alone", closed: { 13: true }, want: [false, true, true] },
  ])("$name", ({ closed, want }) => {
    const next = withTaskChecks(body, (n) => closed[n]);
    expect(
      taskLines(next)
        .slice(0, 3)
        .map((t) => t.checked),
    ).toEqual(want);
    expect(next).toContain("- [ ] #12 inside code stays as is");
    expect(next).toContain("> - [ ] #13 quoted stays as is");
  });

  it("returns the very same string when nothing changes", () => {
    expect(withTaskChecks(body, (n) => n === 14)).toBe(body);
    expect(withTaskChecks(body, () => undefined)).toBe(body);
  });

  it("keeps Windows line endings of lines it edits", () => {
    const crlf = body.replace(/\n/g, "\r\n");
    const next = withTaskChecks(crlf, (n) => (n === 12 ? true : undefined));
    expect(next).toContain("- [x] 1. #12 Users table · database — **fix:** add index\r\n");
    expect(next.replace("[x] 1. #12", "[ ] 1. #12")).toBe(crlf);
  });

  it("strikes released SPECs through and drops their checkbox", () => {
    const next = withReleasedTasks(body, new Set([13]));
    expect(next).toContain("- ~~#13 API · integration~~ (released)");
    expect(taskLines(next).map((t) => t.spec)).toEqual([12, 14, 120]);
    expect(withReleasedTasks(next, new Set([13]))).toBe(next);
  });
});

describe("report section", () => {
  it("is appended when absent and replaced in place afterwards", () => {
    const first = withReport(body, "## Report\none");
    expect(first.endsWith(`${REPORT_START}\n## Report\none\n${REPORT_END}\n`)).toBe(true);
    expect(reportSection(first)).toBe("## Report\none");
    const second = withReport(first, "## Report\ntwo");
    expect(reportSection(second)).toBe("## Report\ntwo");
    expect(second.split(REPORT_START)).toHaveLength(2);
    expect(withReport(second, "## Report\ntwo")).toBe(second);
  });

  it("task lines inside the report are never ticked", () => {
    const withList = withReport(body, "- [ ] #12 listed in the report");
    expect(withTaskChecks(withList, () => true)).toContain("- [ ] #12 listed in the report");
  });
});

describe("metadata block", () => {
  it("is replaced in place, and the same string comes back when unchanged", () => {
    const next = withBatchMeta(body, { ...meta, completedAt: "2026-11-26T10:00:00Z" });
    expect(decodeBatchMeta(next)?.completedAt).toBe("2026-11-26T10:00:00Z");
    expect(next.split("batchbot:batch")).toHaveLength(2);
    expect(withBatchMeta(body, meta)).toBe(body);
  });

  it("is appended to a body that lost it", () => {
    const next = withBatchMeta("# edited by hand", meta);
    expect(decodeBatchMeta(next)).toEqual(meta);
  });
});
