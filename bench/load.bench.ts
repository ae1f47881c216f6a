import { formatLoadReport, runLoad } from "./load.js";
import type { BenchRow } from "./row.js";

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** 2,000 signed deliveries of mixed real payloads at 50 concurrent requests, GitHub faked in-process. */
export async function bench(): Promise<BenchRow[]> {
  const report = await runLoad({ deliveries: 2000, concurrency: 50, timeLimitMs: 240_000 });
  console.log(formatLoadReport(report));
  return [
    {
      name: "load: deliveries answered (2,000 sent, 50 in flight)",
      value: report.completed,
      target: "2000",
      ok: report.completed === 2000,
    },
    { name: "load: errors", value: report.errors, target: "0", ok: report.errors === 0 },
    { name: "load: answered 202 (handler still running after 9 s)", value: report.slow },
    { name: "load: throughput (deliveries/s)", value: round(report.throughput) },
    { name: "load: latency p50 (ms)", value: round(report.p50) },
    { name: "load: latency p95 (ms)", value: round(report.p95) },
    {
      name: "load: latency p99 (ms)",
      value: round(report.p99),
      target: "< 9000 (GitHub's 10 s)",
      ok: report.p99 < 9000,
    },
    {
      name: "load: peak RSS (MB; app, fake GitHub and client in one process)",
      value: round(report.peakRssMb),
    },
    { name: "load: GitHub requests per delivery", value: round(report.githubRequests / report.completed, 2) },
  ];
}
