/**
 * Which failed webhook deliveries to redeliver: pure decisions over a listing of `GET /app/hook/deliveries`
 * (newest first, several attempts per GUID: the original and any redeliveries). No I/O here; `redeliver.ts`
 * reads the listing, asks for the redeliveries and remembers where it stopped.
 */

/** The fields of a `hook-delivery-item` the job reads (see @octokit/openapi-types). */
export interface DeliveryItem {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action?: string | null;
}

/** A delivery failed when the app's answer was not 2xx (0: GitHub could not connect, or timed out). */
export function failed(item: Pick<DeliveryItem, "status_code">): boolean {
  return !(item.status_code >= 200 && item.status_code < 300);
}

/**
 * The oldest delivery time the listing must reach: the newest time the last run saw, less `overlapMs` (a slow
 * delivery is listed after faster, newer ones); without a checkpoint, `lookbackMs` before `now`.
 */
export function listingFloor(
  checkpoint: string | null,
  now: Date,
  settings: { overlapMs: number; lookbackMs: number },
): number {
  const seen = checkpoint ? Date.parse(checkpoint) : Number.NaN;
  return Number.isFinite(seen) ? seen - settings.overlapMs : now.getTime() - settings.lookbackMs;
}

/** Whether the listing (newest first) has gone past the floor: this item and every later one were checked. */
export function beforeFloor(item: Pick<DeliveryItem, "delivered_at">, floor: number): boolean {
  return Date.parse(item.delivered_at) < floor;
}

export interface RedeliveryPlan {
  /** One attempt per GUID to redeliver, oldest first (events replay in the order they happened). */
  redeliver: DeliveryItem[];
  /** Failed GUIDs left alone because a later attempt succeeded. */
  succeededLater: string[];
  /** Failed GUIDs left alone because they were redelivered already (by this job or by a person). */
  alreadyRedelivered: string[];
  /** The newest delivery time listed: the next run's checkpoint (`null` when nothing was listed). */
  newest: string | null;
}

/**
 * Groups the listed attempts by GUID. A GUID is redelivered when every attempt failed, none is itself a
 * redelivery (someone already retried it: never twice), and `redelivered` (the job's memory) doesn't hold it.
 */
export function planRedeliveries(
  items: readonly DeliveryItem[],
  redelivered: (guid: string) => boolean = () => false,
): RedeliveryPlan {
  const byGuid = new Map<string, DeliveryItem[]>();
  for (const item of items) {
    const attempts = byGuid.get(item.guid);
    if (attempts) attempts.push(item);
    else byGuid.set(item.guid, [item]);
  }
  const plan: RedeliveryPlan = { redeliver: [], succeededLater: [], alreadyRedelivered: [], newest: null };
  for (const [guid, attempts] of byGuid) {
    if (!attempts.some(failed)) continue;
    if (!attempts.every(failed)) plan.succeededLater.push(guid);
    else if (attempts.some((a) => a.redelivery) || redelivered(guid)) plan.alreadyRedelivered.push(guid);
    else plan.redeliver.push(attempts.reduce((a, b) => (b.id > a.id ? b : a)));
  }
  plan.redeliver.sort((a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at) || a.id - b.id);
  for (const item of items)
    if (plan.newest === null || Date.parse(item.delivered_at) > Date.parse(plan.newest))
      plan.newest = item.delivered_at;
  return plan;
}
