import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

/** A pino logger whose JSON lines are kept for the test to read. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

describe("structured logs", () => {
  it("every line a handler writes carries the delivery id, the event and the repository; commands the command", async () => {
    const { log, lines } = capture();
    h = createHarness({ log });
    h.fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
    h.fake.addIssue("acme/specs", { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
    await h.receive("issues", h.issueEvent("acme/specs", 2, "opened"), "delivery-issue");
    await h.receive("issue_comment", h.commentEvent("acme/specs", 2, "alice", "/batch help"), "delivery-cmd");

    const handlerLines = lines.filter((l) => l.name === "event");
    expect(handlerLines.map((l) => l.msg)).toEqual([
      "dependency sync after issues.opened",
      "commands handled",
    ]);
    for (const line of handlerLines) {
      expect(line.id).toMatch(/^delivery-/);
      expect(line.repository).toBe("acme/specs");
      expect(line.event).toMatch(/^(issues\.opened|issue_comment\.created)$/);
    }
    expect(handlerLines[1]).toMatchObject({ id: "delivery-cmd", command: "help", replies: 1 });
  });
});

describe("structured logs of the quality gate", () => {
  it("carry the delivery id, the event and the repository", async () => {
    const { log, lines } = capture();
    h = createHarness({ log });
    const repo = h.fake.repo("acme/specs");
    repo.files.set(".github/batch.yml", "validation:\n  b1: [alice]\n  b2: [carol]\n");
    h.fake.addIssue("acme/specs", { number: 1, title: "Table", labels: ["spec"] });
    h.fake.addPullRequest("acme/specs", {
      number: 2,
      body: "Closes #1",
      closingIssues: [1],
      author: "agent",
    });
    await h.receive("pull_request", h.pullRequestEvent("acme/specs", 2, "opened"), "delivery-pr");
    const gate = lines.filter((l) => l.name === "event" && String(l.msg).startsWith("quality gate"));
    expect(gate.length).toBeGreaterThan(0);
    for (const line of gate)
      expect(line).toMatchObject({
        id: "delivery-pr",
        event: "pull_request.opened",
        repository: "acme/specs",
      });
  });
});
