import { describe, expect, it } from "vitest";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { reportSection } from "../../src/domain/batch-body.js";
import { parseCommands } from "../../src/domain/command-line.js";
import { decodeKnowledge } from "../../src/domain/knowledge.js";
import {
  blockedPlan,
  countComment,
  discoveryPlan,
  donePlan,
  type PlanBuilder,
  releasePlan,
  runBatchCommand,
} from "../../src/features/lifecycle/run.js";
import { AGENT, batch, commandOn, fakeDeps, fakeLifecycle, rt, spec } from "./lifecycle-fake.js";

/** The lifecycle workhorse on an in-memory port: no fake GitHub, no HTTP. */

const line = (text: string) => parseCommands(text)[0]!;

function setup(specs = [spec(1), spec(2)], comments = batch([]).comments) {
  const lifecycle = fakeLifecycle(
    batch(
      specs.map((s) => s.number),
      comments,
    ),
    specs,
    { maint: "write", reader: "read" },
  );
  const app = fakeDeps();
  const give = (sender: string, text: string, build: PlanBuilder, commentId = 500) =>
    runBatchCommand(
      app.deps,
      commandOn(lifecycle.state, sender, commentId),
      lifecycle.port,
      line(text),
      build,
    );
  const meta = () => decodeBatchMeta(lifecycle.state.batch.body)!;
  return { ...lifecycle, ...app, give, meta };
}

describe("lifecycle commands on an in-memory port", () => {
  it("blocked: the label (created when missing) and the reason, who and when; a redelivery writes nothing", async () => {
    const t = setup();
    const outcome = await t.give(AGENT, "/batch blocked the staging database is down", blockedPlan);
    expect(outcome).toEqual({ reaction: "eyes" });
    expect(t.state.batch.labels).toContain("blocked");
    expect(t.meta().blockers).toMatchObject([
      { reason: "the staging database is down", by: AGENT, comment: 500, clearedAt: null },
    ]);
    expect(reportSection(t.state.batch.body)).toContain("**Blocked:**");
    expect(t.state.writes.map((w) => w.field)).toEqual([
      "createLabel",
      "updateIssue",
      "addLabelsToLabelable",
    ]);

    const before = t.state.writes.length;
    await t.give(AGENT, "/batch blocked the staging database is down", blockedPlan);
    expect(t.state.writes.length).toBe(before);
  });

  it("anyone but the agent or a writer gets -1, and nothing is read or written", async () => {
    const t = setup();
    expect(await t.give("reader", "/batch blocked no", blockedPlan)).toEqual({ reaction: "-1" });
    expect(t.state.writes).toEqual([]);
    expect(t.state.reads).toBe(0);
    expect(await t.give("maint", "/batch blocked yes", blockedPlan)).toEqual({ reaction: "eyes" });
  });

  it("done: with a SPEC missing the report says so; with every SPEC validated and closed the batch completes", async () => {
    const t = setup([spec(1, { closed: true, labels: ["validated"] }), spec(2)]);
    await t.give(AGENT, "/batch done", donePlan);
    expect(t.state.batch.state).toBe("OPEN");
    expect(reportSection(t.state.batch.body)).toContain("**Missing for completion:** #2 (open)");
    expect(t.completed).toEqual([]);

    Object.assign(t.state.specs.get(2)!, { state: "CLOSED", stateReason: "COMPLETED" });
    t.state.specs.get(2)!.labels.push("validated");
    await t.give(AGENT, "/batch done", donePlan, 501);
    expect(t.state.batch.state).toBe("CLOSED");
    expect(t.meta().completedAt).toBeTruthy();
    expect(reportSection(t.state.batch.body)).toContain("## ✅ Completion report");
    expect(t.completed).toEqual([{ number: 10, agent: AGENT }]);
  });

  it("release: the SPEC unassigned, unlinked and struck through; releasing the last closes the batch", async () => {
    const t = setup();
    const outcome = await t.give("maint", "/batch release #2", releasePlan);
    expect(outcome).toEqual({ reaction: "eyes" });
    expect(t.meta().specs).toEqual([1]);
    expect(t.state.specs.get(2)).toMatchObject({ assignees: [], parent: null });
    expect(t.state.batch.body).toContain("~~");
    expect(t.state.batch.state).toBe("OPEN");

    await t.give(AGENT, "/batch release", releasePlan, 501);
    expect(t.state.specs.get(1)).toMatchObject({ assignees: [], parent: null });
    expect(t.state.batch.state).toBe("CLOSED");
  });

  it("release of a SPEC outside the batch: the usage, and the comment still counted", async () => {
    const t = setup([spec(1)], [{ id: 500, author: { login: AGENT, type: "User" }, association: "NONE" }]);
    await expect(t.give(AGENT, "/batch release #9", releasePlan)).rejects.toThrow("#9 is not in this batch");
    expect(t.meta().messages?.counted).toEqual([500]);
  });

  it("discovery: recorded once in the registry, under the named SPEC's domain, whatever the redeliveries", async () => {
    const t = setup([spec(1, { domain: "ui" }), spec(2)]);
    const discovery = discoveryPlan(t.deps, t.port);
    expect(await t.give(AGENT, "/batch discovery #1 can reuse the table component", discovery)).toEqual({
      reaction: "eyes",
    });
    await t.give(AGENT, "/batch discovery #1 can reuse the table component", discovery);
    expect(t.state.knowledge).toHaveLength(1);
    const entries = decodeKnowledge(t.state.knowledge[0]!.body).entries;
    expect(entries).toMatchObject([
      {
        id: 500,
        agent: AGENT,
        batch: 10,
        specs: [1],
        domains: ["ui"],
        text: "#1 can reuse the table component",
      },
    ]);
    expect(t.state.writes.filter((w) => w.field === "createIssue")).toHaveLength(1);
  });
});

describe("message counts on an in-memory port", () => {
  const by = (id: number, login: string | null, association = "NONE", type = "User") => ({
    id,
    author: login === null ? null : { login, type },
    association,
  });

  it("a comment on the batch issue recounts all of its comments: lost deliveries and deletions come right", async () => {
    const comments = [by(1, AGENT), by(2, "lead", "MEMBER"), by(3, "someone"), by(4, null, "OWNER")];
    const t = setup([spec(1)], comments);
    const onBatch = {
      batch: { number: 10, specs: [1] },
      issue: 10,
      commentId: 2,
      deleted: false,
      countsFor: () => true,
    };
    await countComment(t.deps, rt, t.port, onBatch);
    expect(t.meta().messages).toEqual({ counted: [1, 2], total: 3 });
    expect(t.progress()).toBe(1);

    // A comment GitHub has but batchbot never heard of, and one deleted: the next comment's write has both right.
    t.state.batch.comments = [by(1, AGENT), by(5, "lead", "OWNER"), by(6, "ci[bot]", "MEMBER", "Bot")];
    await countComment(t.deps, rt, t.port, { ...onBatch, commentId: 5 });
    expect(t.meta().messages).toEqual({ counted: [1, 5], total: 3 });
    const writes = t.state.writes.length;
    await countComment(t.deps, rt, t.port, { ...onBatch, commentId: 5 });
    expect(t.state.writes.length).toBe(writes);
  });

  it("a comment on a SPEC is counted by id, once, for the batch's agent or a maintainer; a deletion uncounts it", async () => {
    const t = setup([spec(1)], []);
    const onSpec = {
      batch: null,
      issue: 1,
      commentId: 77,
      deleted: false,
      countsFor: (a: string) => a === AGENT,
    };
    await countComment(t.deps, rt, t.port, onSpec);
    await countComment(t.deps, rt, t.port, onSpec);
    expect(t.meta().messages).toEqual({ counted: [77], onSpecs: [77], total: 2 });
    await countComment(t.deps, rt, t.port, { ...onSpec, commentId: 78, countsFor: () => false });
    expect(t.meta().messages?.counted).toEqual([77]);
    await countComment(t.deps, rt, t.port, { ...onSpec, deleted: true });
    expect(t.meta().messages).toEqual({ counted: [], total: 1 });
  });
});
