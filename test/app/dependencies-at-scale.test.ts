import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_DEPENDENCIES } from "../../src/domain/dependencies.js";
import { BURST_TIMING } from "../../src/features/dependencies/bursts.js";
import { createHarness, examplePayload, type Harness } from "../helpers/harness.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

function spec(number: number, body = "", extra: Record<string, unknown> = {}) {
  return h.fake.addIssue(R, { number, title: `SPEC ${number}`, labels: ["spec"], body, ...extra });
}
const labels = (n: number) => h.fake.issue(R, n).labels.filter((l) => l !== "validated");
const stickies = (n: number) => h.fake.botComments(R, n).filter((c) => c.body.includes("batchbot:sticky"));
const operations = (name: string) => h.fake.requests.filter((r) => r.operation === name);

/** Waits for `promises` while fake time moves on (the trailing run of a burst waits on a timer). */
async function settled(promises: Array<Promise<void>>): Promise<void> {
  let done = false;
  const all = Promise.all(promises).finally(() => {
    done = true;
  });
  while (!done) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
}

async function install() {
  const base = examplePayload("installation", "created");
  await h.receive("installation", {
    ...base,
    action: "created",
    repositories: [{ id: 1, name: "specs", full_name: R, private: false }],
    sender: { ...base.sender, login: "octocat" },
  });
}

async function sync() {
  h.fake.repo(R).collaborators.set("maintainer", "write");
  if (!h.fake.repo(R).issues.has(99)) h.fake.addIssue(R, { number: 99, title: "Operations" });
  await h.receive("issue_comment", h.commentEvent(R, 99, "maintainer", "/batch sync"));
}

describe("explanations on installation and /batch sync (issue 12, case 8)", () => {
  it("installation explains a cycle and an unreadable reference that already exist, reading only their comments", async () => {
    h = createHarness();
    spec(1);
    spec(2, "Depends on #1");
    spec(3, "Depends on #4");
    spec(4, "Depends on #3");
    spec(5, "Depends on acme/gone#1");
    for (let n = 6; n <= 80; n++) spec(n, `Depends on #${n - 1}`);
    await install();
    expect([labels(1), labels(2), labels(3), labels(5)]).toEqual([
      ["spec", "ready"],
      ["spec", "blocked"],
      ["spec", "blocked"],
      ["spec", "blocked"],
    ]);
    expect(stickies(3)[0]?.body).toContain("#3 → #4 → #3");
    expect(stickies(4)[0]?.body).toContain("#4 → #3 → #4");
    expect(stickies(5)[0]?.body).toContain("Unreadable dependency** acme/gone#1");
    for (const n of [1, 2, 6, 7, 80]) expect(stickies(n)).toEqual([]);
    // Comments of the three SPECs with a problem (no SPEC was labelled blocked before): one read.
    expect(operations("BatchbotSticky")).toHaveLength(1);
    expect(JSON.stringify(operations("BatchbotSticky")[0]!.body)).not.toContain('"n3":');

    // A redelivery or a second sync writes nothing.
    h.fake.reset();
    await sync();
    expect(h.fake.requests.filter((r) => r.kind === "write" && !r.path.includes("/comments"))).toEqual(
      operations("BatchbotWrites").filter((r) => JSON.stringify(r.body).includes("addComment")),
    );
    expect([3, 4, 5].map((n) => stickies(n).length)).toEqual([1, 1, 1]);
  });

  it("/batch sync posts the explanation a quiet edit never did, and removes one whose problem is gone", async () => {
    h = createHarness();
    spec(1, "", { state: "CLOSED", stateReason: "COMPLETED" });
    spec(2, "Depends on #2", { labels: ["spec", "blocked"] });
    // A stale explanation: #3's dependency was fixed while batchbot was not listening.
    spec(3, "Depends on #1", { labels: ["spec", "blocked"] });
    h.fake.addComment(
      R,
      3,
      "batchbot[bot]",
      "<!-- batchbot:sticky -->\n\n<!-- batchbot:section dependencies -->\n### Dependencies\n- **Unreadable dependency** #77\n<!-- /batchbot:section -->",
    );
    await sync();
    expect(stickies(2)).toHaveLength(1);
    expect(stickies(2)[0]!.body).toContain("Self-dependency");
    expect(stickies(3)).toEqual([]);
    expect(labels(3)).toEqual(["spec", "ready"]);
    expect(stickies(1)).toEqual([]);
  });
});

describe("a cap on dependencies per SPEC (issue 12, case 9)", () => {
  it(`blocks a SPEC naming 5,000 dependencies at once, says the limit once, and reads no more than for ${MAX_DEPENDENCIES}`, async () => {
    h = createHarness();
    const refs = Array.from({ length: 5000 }, (_, i) => `other/lib#${i + 1}`);
    for (let n = 1; n <= 120; n++) h.fake.addIssue("other/lib", { number: n, title: `lib ${n}` });
    spec(1, `Depends on ${refs.join(", ")}`);
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    expect(labels(1)).toEqual(["spec", "blocked"]);
    expect(stickies(1)).toHaveLength(1);
    expect(stickies(1)[0]!.body).toContain(`more than ${MAX_DEPENDENCIES}`);
    expect(stickies(1)[0]!.body.match(/Too many dependencies/g)).toHaveLength(1);
    // One aliased look-up for the first 100 references; no native relation mirrored from a body past the cap.
    expect(operations("BatchbotLookup")).toHaveLength(1);
    expect(h.fake.issue(R, 1).blockedBy).toEqual([]);
    expect(h.fake.reads).toBeLessThanOrEqual(5);
    expect(h.fake.writes).toBeLessThanOrEqual(3);
  });

  it("looks up 100 cross-repository references in one aliased request", async () => {
    h = createHarness();
    for (let n = 1; n <= 100; n++)
      h.fake.addIssue("other/lib", {
        number: n,
        title: `lib ${n}`,
        state: "CLOSED",
        stateReason: "COMPLETED",
      });
    spec(1, `Depends on ${Array.from({ length: 100 }, (_, i) => `other/lib#${i + 1}`).join(", ")}`);
    await h.receive("issues", h.issueEvent(R, 1, "opened"));
    expect(labels(1)).toEqual(["spec", "ready"]);
    expect(operations("BatchbotLookup")).toHaveLength(1);
  });
});

describe("bursts of edits (issue 12, case 10)", () => {
  it("200 edits of one SPEC in 10 s cost at most 30 requests and end with the labels and native relations right", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      h = createHarness({ editBursts: BURST_TIMING });
      const one = spec(1);
      spec(2);
      spec(4);
      const three = spec(3, "");
      // One edit every 50 ms; each names #4, #2 or #1 in turn, the last #1 only.
      const deliveries: Array<Promise<void>> = [];
      for (let k = 1; k <= 200; k++) {
        const from = three.body;
        three.body = ["Depends on #4", "Depends on #2", "Depends on #1"][k % 3]!;
        deliveries.push(h.receive("issues", h.issueEvent(R, 3, "edited", { changes: { body: { from } } })));
        await vi.advanceTimersByTimeAsync(50);
      }
      await settled(deliveries);
      const log = h.fake.requests.map((r) => `${r.method} ${r.path} ${r.operation ?? ""}`.trim());
      expect(h.fake.requests.length, log.join("\n")).toBeLessThanOrEqual(30);
      expect(labels(3)).toEqual(["spec", "blocked"]);
      expect(three.blockedBy).toEqual([one.databaseId]);
      console.log(`200 edits in 10 s: ${h.fake.requests.length} requests\n  ${log.join("\n  ")}`);
    } finally {
      vi.useRealTimers();
    }
  });

  it("edits arriving while a run is in flight: the trailing run removes what the in-flight run mirrored", async () => {
    h = createHarness();
    const one = spec(1);
    const two = spec(2);
    const three = spec(3, "");
    three.body = "Depends on #2";
    const first = h.receive("issues", h.issueEvent(R, 3, "edited", { changes: { body: { from: "" } } }));
    // The first run is in flight (its requests are async); two more edits arrive.
    await Promise.resolve();
    three.body = "Depends on #1, #2";
    const second = h.receive(
      "issues",
      h.issueEvent(R, 3, "edited", { changes: { body: { from: "Depends on #2" } } }),
    );
    three.body = "Depends on #1";
    const third = h.receive(
      "issues",
      h.issueEvent(R, 3, "edited", { changes: { body: { from: "Depends on #1, #2" } } }),
    );
    await Promise.all([first, second, third]);
    expect(three.blockedBy).toEqual([one.databaseId]);
    expect(two.blockedBy).toEqual([]);
    expect(labels(3)).toEqual(["spec", "blocked"]);
  });
});
