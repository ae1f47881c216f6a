import { afterEach, describe, expect, it, vi } from "vitest";
import { every, intervalMs } from "../../src/jobs/scheduler.js";

afterEach(() => vi.useRealTimers());

describe("job schedule", () => {
  it("first runs one interval after start-up, then every interval", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async () => undefined);
    const schedule = every(1000, run, () => undefined);
    await vi.advanceTimersByTimeAsync(999);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(run).toHaveBeenCalledTimes(3);
    schedule.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it("skips a tick while the previous run is still going, and goes on after a failure", async () => {
    vi.useFakeTimers();
    let finish!: () => void;
    const errors: unknown[] = [];
    const run = vi
      .fn<() => Promise<void>>()
      .mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)))
      .mockRejectedValueOnce(new Error("GitHub is down"))
      .mockResolvedValue(undefined);
    const schedule = every(1000, run, (e) => errors.push(e));
    await vi.advanceTimersByTimeAsync(3000);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(2000);
    expect(run).toHaveBeenCalledTimes(3);
    expect(errors).toHaveLength(1);
    schedule.stop();
  });

  it("an interval of 0 turns the job off", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async () => undefined);
    every(0, run, () => undefined);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(run).not.toHaveBeenCalled();
  });

  it("reads intervals in seconds from the environment", () => {
    expect(intervalMs({}, "X", 600)).toBe(600_000);
    expect(intervalMs({ X: "" }, "X", 600)).toBe(600_000);
    expect(intervalMs({ X: "60" }, "X", 600)).toBe(60_000);
    expect(intervalMs({ X: "0" }, "X", 600)).toBe(0);
    expect(intervalMs({ X: "-5" }, "X", 600)).toBe(600_000);
    expect(intervalMs({ X: "soon" }, "X", 600)).toBe(600_000);
  });
});
