import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

describe("request budget", () => {
  it("closing a SPEC in a repository of 600 SPECs that makes 20 ready costs ≤ 8 reads and ≤ 2 writes", async () => {
    h = createHarness();
    // The repository's own config file (1 read; without it Probot also asks the organisation's .github repository),
    // naming the validators, so the quality gate's close guard needs no permission reads.
    h.fake.repo(R).files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [bob]\n");
    // Approved by B1 and B2 by command; the gate labelled it validated when they did.
    h.fake.addIssue(R, { number: 1, title: "Foundation", labels: ["spec", "ready", "validated"] });
    for (let n = 2; n <= 21; n++)
      h.fake.addIssue(R, {
        number: n,
        title: `Waits for 1 (${n})`,
        labels: ["spec", "blocked"],
        body: "Depends on #1",
      });
    for (let n = 22; n <= 600; n++) {
      const dep = n > 30 ? `Depends on #${n - 1}` : "";
      h.fake.addIssue(R, {
        number: n,
        title: `SPEC ${n}`,
        labels: ["spec", dep ? "blocked" : "ready"],
        body: dep,
      });
    }
    h.fake.addComment(R, 1, "alice", "/batch approve b1");
    h.fake.addComment(R, 1, "bob", "/batch approve b2");
    const one = h.fake.issue(R, 1);
    one.state = "CLOSED";
    one.stateReason = "COMPLETED";

    await h.receive("issues", h.issueEvent(R, 1, "closed"));

    const log = h.fake.requests.map((r) => `${r.method} ${r.path} ${r.operation ?? ""}`.trim());
    expect(h.fake.reads, log.join("\n")).toBeLessThanOrEqual(8);
    expect(h.fake.writes, log.join("\n")).toBeLessThanOrEqual(2);
    for (let n = 2; n <= 21; n++) expect(h.fake.issue(R, n).labels).toEqual(["spec", "ready"]);
    expect(h.fake.issue(R, 1).labels).toEqual(["spec", "validated"]);
    expect(h.fake.issue(R, 31).labels).toEqual(["spec", "blocked"]);
    console.log(
      `600 SPECs, 20 unblocked: ${h.fake.reads} reads, ${h.fake.writes} writes\n  ${log.join("\n  ")}`,
    );

    h.fake.reset();
    await h.receive("issues", h.issueEvent(R, 1, "closed"));
    expect(h.fake.writes).toBe(0);
  });
});
