import { afterEach, describe, expect, it } from "vitest";
import { resumeAfterFault } from "../helpers/faults.js";
import { createHarness, examplePayload, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const SPECS = 120;

function installation(h: Harness) {
  const repo = h.fake.repo("acme/specs");
  return {
    ...examplePayload("installation", "created"),
    repositories: [{ id: repo.databaseId, node_id: repo.id, name: repo.name, full_name: "acme/specs" }],
    installation: { ...examplePayload("installation", "created").installation, id: 1 },
  };
}

describe("resuming after GitHub fails half-way", () => {
  it("an installation sync whose second label batch failed finishes on redelivery, rewriting nothing", async () => {
    h = createHarness();
    // SPEC n depends on SPEC n-1 (open): every SPEC but the first is blocked, the first is ready.
    for (let n = 1; n <= SPECS; n++)
      h.fake.addIssue("acme/specs", {
        number: n,
        labels: ["spec"],
        body: n > 1 ? `Depends on #${n - 1}` : "",
      });
    const labelled = () =>
      [...h.fake.repo("acme/specs").issues.values()].filter((i) =>
        i.labels.some((l) => l === "blocked" || l === "ready"),
      ).length;
    const payload = installation(h);
    const { first, second } = await resumeAfterFault(
      h.fake,
      // The first write creates the two readiness labels, the next three label the SPECs: the second of them fails.
      { match: (r) => r.operation === "BatchbotWrites", after: 2 },
      () => h.receive("installation", payload, "delivery-install"),
      // Whatever happened, no SPEC carries both readiness labels.
      () =>
        expect(
          [...h.fake.repo("acme/specs").issues.values()].filter(
            (i) => i.labels.includes("blocked") && i.labels.includes("ready"),
          ),
        ).toEqual([]),
    );
    const writes = (requests: typeof first) => requests.filter((r) => r.operation === "BatchbotWrites");
    expect(writes(first).map((r) => r.fields)).toEqual([2, 50, 50, 20]);
    expect(labelled()).toBe(SPECS);
    // The redelivery wrote only the 50 the failed request carried.
    expect(writes(second).map((r) => r.fields)).toEqual([50]);
  });
});
