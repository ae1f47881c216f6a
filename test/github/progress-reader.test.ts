import { afterEach, describe, expect, it } from "vitest";
import { readProgress } from "../../src/github/progress-reader.js";
import { projectsOf } from "../helpers/fake-projects.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { addBatchIssue, batchMeta, REPO, repoRef, runtimeFor } from "../helpers/progress-fixtures.js";

let h: Harness;
afterEach(() => h?.fake.uninstall());

const labels = {
  spec: "spec",
  batch: "batch",
  dashboard: "batch-dashboard",
  changesRequested: "changes-requested",
};

describe("progress read", () => {
  it("pages SPECs and batch issues independently, 100 at a time, and reads the project once", async () => {
    h = createHarness();
    const board = projectsOf(h.fake);
    const project = board.addProject("acme", { number: 3 });
    for (let i = 1; i <= 230; i++) h.fake.addIssue(REPO, { number: i, labels: ["spec"] });
    for (let i = 0; i < 101; i++) addBatchIssue(h, batchMeta({ agent: `agent-${i}`, specs: [i + 1] }));
    h.fake.addIssue(REPO, { title: "made by hand", labels: ["batch"], body: "no metadata" });
    const spec = h.fake.issue(REPO, 230);
    board.setValue(project, spec.id, "Status", "Done");
    spec.labelEvents.push({ label: "changes-requested", createdAt: "2026-11-20T00:00:00Z" });
    const rt = await runtimeFor(h);
    h.fake.reset();
    const snapshot = await readProgress(rt.octokit, repoRef, labels, {
      owner: "acme",
      number: 3,
      ownerType: null,
    });
    expect(h.fake.unhandled).toEqual([]);
    expect(snapshot.requests).toBe(3);
    const variables = h.fake.requests.map(
      (r) => (r.body as { variables: Record<string, unknown> }).variables,
    );
    expect(variables.map((v) => [v.withSpecs, v.withBatches, v.withMeta, v.withProject])).toEqual([
      [true, true, true, true],
      [true, true, false, false],
      [true, false, false, false],
    ]);
    expect(snapshot.specs).toHaveLength(230);
    expect(snapshot.batches).toHaveLength(101);
    expect(snapshot.project?.id).toBe(project.id);
    expect(snapshot.items.get(spec.id)?.values.status).toBe("Done");
    expect([...snapshot.changesRequestedEver]).toEqual([230]);
  });
});
