import { describe, expect, it } from "vitest";
import {
  beforeFloor,
  type DeliveryItem,
  failed,
  listingFloor,
  planRedeliveries,
} from "../../src/jobs/redeliver-plan.js";

let id = 0;
function item(guid: string, status: number, at: string, redelivery = false): DeliveryItem {
  return {
    id: ++id,
    guid,
    status_code: status,
    delivered_at: at,
    redelivery,
    event: "issues",
    action: "closed",
  };
}

describe("which deliveries to redeliver", () => {
  it("a delivery failed when the app's answer was not 2xx (0: GitHub never reached it)", () => {
    expect([200, 202, 204, 0, 301, 400, 413, 500, 502, 504].map((s) => failed({ status_code: s }))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it("redelivers each failed GUID once, oldest first, and leaves the delivered ones alone", () => {
    // Newest first, as GitHub lists them.
    const plan = planRedeliveries([
      item("c", 502, "2026-11-29T10:03:00Z"),
      item("b", 200, "2026-11-29T10:02:00Z"),
      item("a", 0, "2026-11-29T10:01:00Z"),
    ]);
    expect(plan.redeliver.map((d) => d.guid)).toEqual(["a", "c"]);
    expect(plan.newest).toBe("2026-11-29T10:03:00Z");
  });

  it("leaves a GUID alone once a later attempt succeeded", () => {
    const plan = planRedeliveries([
      item("a", 200, "2026-11-29T10:05:00Z", true),
      item("a", 500, "2026-11-29T10:01:00Z"),
    ]);
    expect(plan.redeliver).toEqual([]);
    expect(plan.succeededLater).toEqual(["a"]);
  });

  it("never redelivers a GUID twice: not after a redelivery (whoever asked), not when the job remembers it", () => {
    const plan = planRedeliveries(
      [
        item("a", 502, "2026-11-29T10:06:00Z", true),
        item("a", 502, "2026-11-29T10:01:00Z"),
        item("b", 502, "2026-11-29T10:02:00Z"),
        item("c", 502, "2026-11-29T10:03:00Z"),
      ],
      (guid) => guid === "b",
    );
    expect(plan.redeliver.map((d) => d.guid)).toEqual(["c"]);
    expect(plan.alreadyRedelivered.sort()).toEqual(["a", "b"]);
  });

  it("asks for the GUID's latest failed attempt", () => {
    const first = item("a", 502, "2026-11-29T10:01:00Z");
    const second = item("a", 504, "2026-11-29T10:01:00Z");
    expect(planRedeliveries([second, first]).redeliver).toEqual([second]);
  });

  it("an empty listing plans nothing and keeps no checkpoint", () => {
    expect(planRedeliveries([])).toEqual({
      redeliver: [],
      succeededLater: [],
      alreadyRedelivered: [],
      newest: null,
    });
  });

  it("lists back to the checkpoint less the overlap, or the lookback without one", () => {
    const now = new Date("2026-11-29T12:00:00Z");
    const settings = { overlapMs: 5 * 60_000, lookbackMs: 3600_000 };
    expect(new Date(listingFloor("2026-11-29T11:50:00Z", now, settings)).toISOString()).toBe(
      "2026-11-29T11:45:00.000Z",
    );
    expect(new Date(listingFloor(null, now, settings)).toISOString()).toBe("2026-11-29T11:00:00.000Z");
    expect(new Date(listingFloor("garbage", now, settings)).toISOString()).toBe("2026-11-29T11:00:00.000Z");
    const floor = listingFloor("2026-11-29T11:50:00Z", now, settings);
    expect(beforeFloor({ delivered_at: "2026-11-29T11:44:59Z" }, floor)).toBe(true);
    expect(beforeFloor({ delivered_at: "2026-11-29T11:45:00Z" }, floor)).toBe(false);
  });
});
