import { formatLoadReport, runLoad } from "./load.js";
import type { BenchRow } from "./row.js";

/** 2,000 signed deliveries of mixed real payloads at 50 concurrent requests, GitHub faked in-process. */
export async function bench(): Promise<BenchRow[]> {
  const report = await runLoad({ deliveries: 2000, concurrency: 50, timeLimitMs: 240_000 });
  console.log(formatLoadReport(report));
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return [
    {
      name: "load: deliveries answered (2,000 signed, 50 in flight, loopback)",
      value: String(report.completed),
      target: "2000",
      ok: report.completed === 2000,
    },
    { name: "load: errors", value: String(report.errors), target: "0", ok: report.errors === 0 },
    { name: "load: answered 202 (handler still running after 9 s)", value: String(report.slow) },
    { name: "load: throughput", value: `${report.throughput.toFixed(0)} deliveries/s` },
    {
      name: "load: handling latency p50 / p95 / p99",
      value: `${ms(report.p50)} / ${ms(report.p95)} / ${ms(report.p99)}`,
      target: "p99 < 9000 ms (GitHub waits 10 s)",
      ok: report.p99 < 9000,
    },
    {
      name: "load: peak RSS (app, fake GitHub and client in one process)",
      value: `${report.peakRssMb.toFixed(0)} MB`,
    },
    {
      name: "load: GitHub requests per delivery",
      value: (report.githubRequests / report.completed).toFixed(2),
    },
  ];
}
