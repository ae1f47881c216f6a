import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

describe("smoke", () => {
  it("labels a SPEC whose dependency is open as blocked", async () => {
    h = createHarness();
    h.fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
    h.fake.addIssue("acme/specs", { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
    await h.receive("issues", h.issueEvent("acme/specs", 2, "opened"));
    expect(h.fake.unhandled).toEqual([]);
    expect(h.fake.issue("acme/specs", 2).labels).toContain("blocked");
    console.log(h.fake.requests.map((r) => `${r.method} ${r.path} ${r.operation ?? ""}`));
  });
});
