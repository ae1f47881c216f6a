import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/domain/config.js";
import type { IssueRecord } from "../../src/domain/spec.js";
import {
  type DependenciesPort,
  syncAfterChange,
  syncRepository,
} from "../../src/features/dependencies/run.js";
import type { Mutation } from "../../src/github/mutations.js";
import { unitRuntime } from "../helpers/unit-runtime.js";

const parsed = parseConfig({});
if (!parsed.ok) throw new Error("the default configuration is valid");
const config = parsed.config;

function issue(number: number, body = "", labels: string[] = [config.labels.spec]): IssueRecord {
  return {
    id: `I_${number}`,
    databaseId: 1000 + number,
    number,
    title: `Issue ${number}`,
    body,
    state: "OPEN",
    stateReason: null,
    labels,
    assignees: [],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    closedAt: null,
  };
}

/** The dependencies port in memory: a registry as given, no sticky comments yet, every write recorded. */
function port(issues: IssueRecord[], labels: string[] = [config.labels.blocked, config.labels.ready]) {
  const written: Mutation[] = [];
  const links: Array<{ number: number; named: number[]; before: number[] }> = [];
  const fake: DependenciesPort = {
    readRegistry: async () => ({
      repositoryId: "R_1",
      labelIds: new Map(labels.map((l) => [l.toLowerCase(), `L_${l}`])),
      issues,
      openDashboards: 0,
      openPullRequests: 0,
      requests: 1,
    }),
    lookupIssues: async () => ({ issues: new Map(), requests: 0 }),
    readStickies: async (numbers) => ({
      stickies: new Map(numbers.map((n) => [n, { subjectId: `I_${n}`, comment: null }])),
      requests: 1,
    }),
    runMutations: async (mutations) => {
      written.push(...mutations);
      return {
        results: mutations.map((m) =>
          m.field === "createLabel" ? { label: { id: `L_new_${m.input.name}`, name: m.input.name } } : {},
        ),
        failures: [],
        requests: 1,
      };
    },
    mirrorLinks: async (number, named, before) => {
      links.push({ number, named: [...named], before: [...before] });
      return { plan: { add: [], remove: [] } as never, requests: 1, failures: [] };
    },
  };
  return { fake, written, links };
}

const rt = unitRuntime(config);

describe("syncAfterChange (workhorse, in-memory port)", () => {
  it("a new SPEC depending on an open one: labelled blocked, explained, its relation mirrored", async () => {
    const dependent = issue(2, "Depends on #1");
    const { fake, written, links } = port([issue(1), dependent]);
    const report = await syncAfterChange(
      rt,
      { current: dependent, previous: null, removed: false, mirror: true },
      fake,
    );
    expect(report.labelChanges).toContainEqual({
      number: 2,
      change: { add: [config.labels.blocked], remove: [] },
    });
    // Waiting on an open SPEC is no problem to explain: the label says it.
    expect(report.stickyChanges).toEqual([]);
    expect(
      written.some((m) => m.describe.includes("#2") && JSON.stringify(m.input).includes("L_blocked")),
    ).toBe(true);
    expect(links).toEqual([{ number: 2, named: [1001], before: [] }]);
  });

  it("a dependency that does not exist is explained in the sticky comment", async () => {
    const dependent = issue(2, "Depends on #99");
    const { fake, written } = port([issue(1), dependent]);
    const report = await syncAfterChange(
      rt,
      { current: dependent, previous: null, removed: false, mirror: true },
      fake,
    );
    expect(report.stickyChanges).toEqual([2]);
    expect(written.some((m) => m.field === "addComment")).toBe(true);
  });

  it("an issue that stopped being a SPEC loses its readiness label, and nothing else is written", async () => {
    const former = issue(3, "", [config.labels.ready]);
    const { fake, written, links } = port([issue(1)]);
    const report = await syncAfterChange(
      rt,
      { current: former, previous: "unknown", removed: false, mirror: false },
      fake,
    );
    expect(report.labelChanges).toEqual([{ number: 3, change: { add: [], remove: [config.labels.ready] } }]);
    expect(written).toHaveLength(1);
    expect(links).toEqual([]);
  });
});

describe("syncRepository (workhorse, in-memory port)", () => {
  it("creates a missing readiness label first and labels with its new id", async () => {
    const { fake, written } = port([issue(1)], []);
    const report = await syncRepository(rt, fake);
    expect(written[0]).toMatchObject({ field: "createLabel", input: { name: config.labels.ready } });
    expect(JSON.stringify(written.slice(1))).toContain(`L_new_${config.labels.ready}`);
    expect(report.labelChanges).toEqual([{ number: 1, change: { add: [config.labels.ready], remove: [] } }]);
  });

  it("a second run over the labelled result writes nothing", async () => {
    const { fake, written } = port([issue(1, "", [config.labels.spec, config.labels.ready])]);
    const report = await syncRepository(rt, fake);
    expect(written).toEqual([]);
    expect(report.writes).toBe(0);
  });
});
