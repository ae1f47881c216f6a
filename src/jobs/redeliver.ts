import type { Logger } from "probot";
import type { GitHub } from "../github/graphql.js";
import type { JobStore } from "./job-store.js";
import { beforeFloor, type DeliveryItem, failed, listingFloor, planRedeliveries } from "./redeliver-plan.js";

export interface RedeliverySettings {
  /** Re-read this much before the checkpoint: a slow delivery is listed after faster, newer ones. */
  overlapMs: number;
  /** Without a checkpoint (first run, memory lost in a restart): how far back to look. */
  lookbackMs: number;
  /** At most this many redeliveries per run; the rest wait for the next run (the checkpoint stays put). */
  maxPerRun: number;
  /** How long a redelivered GUID is remembered: longer than GitHub keeps deliveries (3 days). */
  rememberMs: number;
}

export const DEFAULT_REDELIVERY: RedeliverySettings = {
  overlapMs: 5 * 60_000,
  lookbackMs: 60 * 60_000,
  maxPerRun: 100,
  rememberMs: 4 * 24 * 3600_000,
};

export interface RedeliveryReport {
  /** Pages of `GET /app/hook/deliveries` read. */
  pages: number;
  listed: number;
  /** GUIDs GitHub was asked to redeliver. */
  redelivered: string[];
  succeededLater: number;
  alreadyRedelivered: number;
  /** Redeliveries GitHub refused (the GUID is remembered unless GitHub failed with 5xx). */
  refused: string[];
  /** More failed deliveries than `maxPerRun`: the next run goes on from the same checkpoint. */
  capped: boolean;
}

const CHECKPOINT = "redeliver:checkpoint";
const guidKey = (guid: string) => `redeliver:guid:${guid}`;

/** The deliveries since the floor, newest first, reading pages until one reaches past it. */
async function listSince(octokit: GitHub, floor: number, report: RedeliveryReport): Promise<DeliveryItem[]> {
  const items: DeliveryItem[] = [];
  for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })) {
    report.pages++;
    for (const item of page.data as DeliveryItem[]) {
      if (beforeFloor(item, floor)) return items;
      items.push(item);
    }
  }
  return items;
}

/**
 * Asks GitHub to redeliver the app's failed webhook deliveries (GitHub never retries them itself). `octokit`
 * authenticates as the app (JWT). Lists deliveries back to where the last run stopped, redelivers each failed
 * GUID that no later attempt delivered, once (a GUID is claimed in `store` before GitHub is asked), and moves
 * the checkpoint. A redelivery carries the original GUID; the handlers' writes are idempotent.
 */
export async function redeliverFailed(
  octokit: GitHub,
  store: JobStore,
  log: Logger,
  settings: RedeliverySettings = DEFAULT_REDELIVERY,
  now: Date = new Date(),
): Promise<RedeliveryReport> {
  const report: RedeliveryReport = {
    pages: 0,
    listed: 0,
    redelivered: [],
    succeededLater: 0,
    alreadyRedelivered: 0,
    refused: [],
    capped: false,
  };
  const floor = listingFloor(await store.get(CHECKPOINT), now, settings);
  const items = await listSince(octokit, floor, report);
  report.listed = items.length;
  const known = new Set<string>();
  for (const guid of new Set(items.filter(failed).map((i) => i.guid)))
    if ((await store.get(guidKey(guid))) !== null) known.add(guid);
  const plan = planRedeliveries(items, (guid) => known.has(guid));
  report.succeededLater = plan.succeededLater.length;
  report.alreadyRedelivered = plan.alreadyRedelivered.length;
  report.capped = plan.redeliver.length > settings.maxPerRun;
  for (const item of plan.redeliver.slice(0, settings.maxPerRun)) {
    if (!(await store.claim(guidKey(item.guid), settings.rememberMs))) continue;
    try {
      await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: item.id });
      report.redelivered.push(item.guid);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 0;
      // GitHub failed (or never answered): let the next run try again. Refused (4xx): don't ask again.
      if (status === 0 || status >= 500) await store.delete(guidKey(item.guid));
      report.refused.push(item.guid);
      log.warn({ err: error, guid: item.guid, delivery: item.id }, "redelivery refused");
    }
  }
  if (!report.capped && plan.newest) await store.set(CHECKPOINT, plan.newest, settings.rememberMs);
  return report;
}
