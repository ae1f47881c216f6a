import nock from "nock";
import { afterAll, expect, it } from "vitest";
import { formatLoadReport, runLoad } from "../../bench/load.js";

afterAll(() => nock.disableNetConnect());

it("serves 2,000 signed deliveries of mixed real payloads at 50 concurrent requests without an error", async () => {
  const report = await runLoad({ deliveries: 2000, concurrency: 50, timeLimitMs: 240_000 });
  console.log(`${formatLoadReport(report)}\n${JSON.stringify(report.mix, null, 1)}`);
  expect(report.sent).toBe(2000);
  expect(report.completed).toBe(2000);
  expect(report.unhandled).toEqual([]);
  expect(report.errors).toBe(0);
}, 300_000);
