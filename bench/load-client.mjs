// The load generator, in a worker thread: its requests bypass nock (which patches the main thread's fetch) and
// its CPU is not the app's. Sends pre-signed deliveries at a fixed concurrency and reports each latency.
import { parentPort, workerData } from "node:worker_threads";

const { deliveries, concurrency, timeLimitMs } = workerData;
const latencies = new Array(deliveries.length).fill(null);
const statuses = new Array(deliveries.length).fill(null);
let next = 0;
const deadline = performance.now() + timeLimitMs;

async function worker() {
  while (next < deliveries.length && performance.now() < deadline) {
    const index = next++;
    const d = deliveries[index];
    const sent = performance.now();
    try {
      const res = await fetch(d.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": d.event,
          "x-github-delivery": d.id,
          "x-hub-signature-256": d.signature,
        },
        body: d.body,
      });
      await res.arrayBuffer();
      statuses[index] = res.status;
      latencies[index] = performance.now() - sent;
    } catch {
      statuses[index] = "failed";
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
parentPort.postMessage({ latencies, statuses, sent: next, seconds: (performance.now() - started) / 1000 });
