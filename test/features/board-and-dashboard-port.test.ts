import { describe, expect, it } from "vitest";
import { type BatchIssue, type BatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import type { BoardField } from "../../src/domain/board-plan.js";
import { BOARD_STATUSES } from "../../src/domain/board-state.js";
import { DASHBOARD_MARKER } from "../../src/domain/dashboard.js";
import type { IssueRecord } from "../../src/domain/spec.js";
import { type BoardAndDashboardPort, refreshProgress } from "../../src/features/board-and-dashboard/run.js";
import type { Runtime } from "../../src/features/shared/runtime.js";
import type { Mutation } from "../../src/github/mutations.js";
import type { DashboardIssue, ProgressSnapshot } from "../../src/github/progress-reader.js";
import { testConfig, unitRuntime } from "../helpers/unit-runtime.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const BOT = "batchbot[bot]";

function runtime(config: Record<string, unknown> = {}): Runtime {
  return unitRuntime(testConfig(config), { owner: "acme", repo: "specs" });
}

const WITH_BOARD = { project: { owner: "acme", number: 1 } };

function spec(number: number, labels: string[], state: "OPEN" | "CLOSED" = "OPEN"): IssueRecord {
  return {
    id: `I_${number}`,
    databaseId: 1000 + number,
    number,
    title: `SPEC ${number}`,
    body: "",
    state,
    stateReason: state === "CLOSED" ? "COMPLETED" : null,
    labels: ["spec", ...labels],
    assignees: [],
    createdAt: "2026-11-01T00:00:00Z",
    updatedAt: "2026-11-01T00:00:00Z",
    closedAt: state === "CLOSED" ? "2026-11-02T00:00:00Z" : null,
  };
}

function batch(number: number, specs: number[]): BatchIssue {
  const meta: BatchMeta = {
    v: 1,
    id: "1:agent",
    agent: "agent",
    sequence: 1,
    specs,
    fixes: [],
    shared: [],
    sourceCommentId: 1,
    createdAt: "2026-11-20T10:00:00Z",
  };
  return {
    id: `B_${number}`,
    number,
    state: "OPEN",
    title: "Batch 1 for @agent",
    body: `# Batch\n\n${encodeBatchMeta(meta)}`,
    meta,
  };
}

/** The board's fields as batchbot creates them; `statusOptions` to leave some out. */
function fields(statusOptions: readonly string[] = BOARD_STATUSES): BoardField[] {
  return [
    {
      id: "F_status",
      name: "Status",
      dataType: "SINGLE_SELECT",
      options: statusOptions.map((name) => ({ id: `O_${name}`, name })),
    },
    { id: "F_agent", name: "Agent", dataType: "TEXT" },
    { id: "F_batch", name: "Batch", dataType: "TEXT" },
    { id: "F_domain", name: "Domain", dataType: "TEXT" },
  ];
}

interface World {
  specs: IssueRecord[];
  batches: BatchIssue[];
  dashboards: DashboardIssue[];
  fields: BoardField[] | null;
  /** Board items by content id: their item id and field values (Status by option name). */
  items: Map<string, { itemId: string; values: Record<string, string | null> }>;
}

/**
 * The board-and-dashboard port in memory: the progress read answers from `world`, every write is recorded and
 * applied to it (issues created and edited, items added, field values set), so a second refresh sees the first's.
 */
function port(world: World) {
  const written: Mutation[] = [];
  let reads = 0;
  const fake: BoardAndDashboardPort = {
    readProgress: async (_labels, project): Promise<ProgressSnapshot> => {
      reads++;
      const board = project && world.fields;
      return {
        repositoryId: "R_1",
        dashboardLabelId: "L_dashboard",
        dashboards: world.dashboards.map((d) => ({ ...d })),
        specs: world.specs,
        changesRequestedEver: new Set(),
        batches: world.batches,
        project: board ? { id: "P_1", title: "Specs", url: "https://example.test/p/1", fields: board } : null,
        projectProblem: null,
        batchComments: new Map(),
        items: new Map(
          [...world.items].map(([id, item]) => [id, { itemId: item.itemId, values: { ...item.values } }]),
        ),
        requests: 1,
      };
    },
    runMutations: async (mutations) => {
      written.push(...mutations);
      return { results: mutations.map((m) => apply(world, m)), failures: [], requests: 1 };
    },
  };
  return { fake, written, reads: () => reads };
}

function apply(world: World, m: Mutation): unknown {
  const input = m.input as Record<string, unknown>;
  switch (m.field) {
    case "createIssue": {
      const number = 100 + world.dashboards.length;
      world.dashboards.push({
        id: `D_${number}`,
        number,
        state: "OPEN",
        body: String(input.body),
        isPinned: false,
        author: { login: BOT },
      });
      return { issue: { id: `D_${number}`, number } };
    }
    case "updateIssue": {
      const dashboard = world.dashboards.find((d) => d.id === input.id);
      if (dashboard) dashboard.body = String(input.body);
      return {};
    }
    case "pinIssue": {
      const dashboard = world.dashboards.find((d) => d.id === input.issueId);
      if (dashboard) dashboard.isPinned = true;
      return {};
    }
    case "addProjectV2ItemById": {
      const itemId = `PVTI_${String(input.contentId)}`;
      world.items.set(String(input.contentId), { itemId, values: {} });
      return { item: { id: itemId } };
    }
    case "updateProjectV2ItemFieldValue": {
      const item = [...world.items.values()].find((i) => i.itemId === input.itemId);
      const field = world.fields?.find((f) => f.id === input.fieldId);
      const value = input.value as { text?: string; singleSelectOptionId?: string };
      if (item && field)
        item.values[field.name.toLowerCase()] =
          value.text ?? field.options?.find((o) => o.id === value.singleSelectOptionId)?.name ?? null;
      return {};
    }
    default:
      return {};
  }
}

/** Status writes, by item content id → option name. */
function statusWrites(written: Mutation[], world: World): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of written) {
    const input = m.input as { itemId?: string; fieldId?: string; value?: { singleSelectOptionId?: string } };
    if (m.field !== "updateProjectV2ItemFieldValue" || input.fieldId !== "F_status") continue;
    const content = [...world.items].find(([, i]) => i.itemId === input.itemId)?.[0] ?? "?";
    out.set(content, input.value!.singleSelectOptionId!.replace(/^O_/, ""));
  }
  return out;
}

function world(partial: Partial<World>): World {
  return { specs: [], batches: [], dashboards: [], fields: null, items: new Map(), ...partial };
}

describe("refreshProgress (workhorse, in-memory port)", () => {
  it("board status priority: validated over in review, in review over in batch, in batch over ready", async () => {
    const w = world({
      specs: [
        spec(1, ["validated", "in-review"]),
        spec(2, ["in-review"]),
        spec(3, ["ready"]),
        spec(4, ["ready"]),
      ],
      batches: [batch(10, [2, 3])],
      fields: fields(),
    });
    const { fake, written } = port(w);
    const report = await refreshProgress(runtime(WITH_BOARD), { now: NOW }, fake);
    const status = statusWrites(written, w);
    expect(status.get("I_1")).toBe("Validated");
    expect(status.get("I_2")).toBe("In review");
    expect(status.get("I_3")).toBe("In batch");
    expect(status.get("I_4")).toBe("Ready");
    expect(report.board?.added).toEqual(expect.arrayContaining([1, 2, 3, 4, 10]));
    expect(report.board?.problems).toEqual([]);
  });

  it("a Status option the board lacks is reported, and that item's Status left alone", async () => {
    const w = world({
      specs: [spec(1, ["in-review"]), spec(2, ["ready"])],
      fields: fields(BOARD_STATUSES.filter((s) => s !== "In review")),
    });
    const { fake, written } = port(w);
    const report = await refreshProgress(runtime(WITH_BOARD), { now: NOW }, fake);
    const status = statusWrites(written, w);
    expect(status.has("I_1")).toBe(false);
    expect(status.get("I_2")).toBe("Ready");
    expect(report.board?.problems.join("\n")).toContain("In review");
  });

  it("nothing changed: the second refresh reads once and writes nothing", async () => {
    const w = world({ specs: [spec(1, ["ready"])], batches: [batch(10, [1])], fields: fields() });
    const { fake, written } = port(w);
    await refreshProgress(runtime(WITH_BOARD), { now: NOW }, fake);
    written.length = 0;
    const again = await refreshProgress(runtime(WITH_BOARD), { now: NOW }, fake);
    expect(written).toEqual([]);
    expect(again).toMatchObject({ reads: 1, writes: 0, dashboard: { action: "unchanged" } });
  });

  it("the dashboard is created once (with the first batch), then edited in place", async () => {
    const w = world({ specs: [spec(1, ["ready"]), spec(2, ["ready"])], batches: [batch(10, [1])] });
    const { fake, written } = port(w);
    const first = await refreshProgress(runtime(), { now: NOW }, fake);
    expect(first.dashboard).toEqual({ number: 100, action: "created" });
    expect(written.filter((m) => m.field === "createIssue")).toHaveLength(1);
    expect(w.dashboards[0]!.body).toContain(DASHBOARD_MARKER);

    written.length = 0;
    w.specs[1] = spec(2, ["in-review"]);
    const second = await refreshProgress(runtime(), { now: NOW }, fake);
    expect(second.dashboard).toEqual({ number: 100, action: "updated" });
    expect(written.map((m) => m.field)).toEqual(["updateIssue"]);
    expect(w.dashboards).toHaveLength(1);
  });

  it("no batch yet: no dashboard is opened by an event, but `/batch dashboard` opens and pins it", async () => {
    const w = world({ specs: [spec(1, ["ready"])] });
    const { fake, written } = port(w);
    expect((await refreshProgress(runtime(), { now: NOW }, fake)).dashboard.action).toBe("none");
    expect(written).toEqual([]);
    const opened = await refreshProgress(runtime(), { now: NOW, dashboard: "open" }, fake);
    expect(opened.dashboard.action).toBe("created");
    expect(written.map((m) => m.field)).toContain("pinIssue");
  });

  it("a snapshot read already (shared with batch tasks) is used without a read of its own", async () => {
    const w = world({ specs: [spec(1, ["ready"])], batches: [batch(10, [1])] });
    const { fake, reads } = port(w);
    const snapshot = await fake.readProgress(
      { spec: "spec", batch: "batch", dashboard: "batch-dashboard", changesRequested: "changes-requested" },
      null,
    );
    const report = await refreshProgress(runtime(), { now: NOW, snapshot }, fake);
    expect(reads()).toBe(1);
    expect(report.reads).toBe(0);
    expect(report.dashboard.action).toBe("created");
  });
});
