import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/domain/config.js";
import {
  dependencyStatus,
  readinessLabelChange,
  renderDependencyProblems,
} from "../../src/domain/readiness.js";
import {
  affectedBy,
  buildRegistry,
  readinessOf,
  statusLookup,
  withVersion,
} from "../../src/domain/registry.js";
import type { IssueRecord } from "../../src/domain/spec.js";
import { toSpec } from "../../src/domain/spec.js";

const repo = { owner: "acme", repo: "specs" };
const config = defaultConfig();

function issue(number: number, body = "", extra: Partial<IssueRecord> = {}): IssueRecord {
  return {
    id: `I_${number}`,
    databaseId: number,
    number,
    title: `SPEC ${number}`,
    body,
    state: "OPEN",
    stateReason: null,
    labels: ["spec"],
    assignees: [],
    createdAt: "2026-11-01T00:00:00Z",
    updatedAt: "2026-11-01T00:00:00Z",
    closedAt: null,
    ...extra,
  };
}
const closed = (reason: IssueRecord["stateReason"]) => ({ state: "CLOSED" as const, stateReason: reason });

describe("dependencyStatus", () => {
  it.each([
    [null, "unreadable"],
    [{ state: "OPEN" }, "open"],
    [{ state: "CLOSED", stateReason: "COMPLETED" }, "completed"],
    [{ state: "CLOSED", stateReason: null }, "completed"],
    [{ state: "CLOSED", stateReason: "NOT_PLANNED" }, "not-planned"],
    [{ state: "CLOSED", stateReason: "DUPLICATE" }, "not-planned"],
    [{ state: "MERGED", isPullRequest: true }, "completed"],
    [{ state: "CLOSED", isPullRequest: true }, "not-planned"],
  ] as const)("%j is %s", (input, kind) => {
    expect(dependencyStatus(input as never).kind).toBe(kind);
  });
});

describe("readiness of a registry", () => {
  const registry = buildRegistry(
    repo,
    [
      issue(1, "", closed("COMPLETED")),
      issue(2, "Depends on #1"),
      issue(3, "Depends on #2"),
      issue(4, "Depends on #5", closed("COMPLETED")),
      issue(5, "Depends on #6"),
      issue(6, "Depends on #5"),
      issue(7, "Depends on #8, other/repo#1"),
      issue(8, "", closed("NOT_PLANNED")),
      issue(9, "not a spec", { labels: ["bug"] }),
    ],
    config,
  );
  const lookup = statusLookup(registry, new Map([["other/repo#1", { kind: "completed" as const }]]));
  const ready = (n: number) => readinessOf(registry, `acme/specs#${n}`, lookup);

  it("leaves out issues without the SPEC label and gives closed SPECs no readiness", () => {
    expect(registry.specs.has("acme/specs#9")).toBe(false);
    expect(ready(1)).toBeNull();
  });

  it("is ready only when every dependency is closed as completed", () => {
    expect(ready(2)).toMatchObject({ ready: true, waitingOn: [], problems: [] });
    expect(ready(3)).toMatchObject({ ready: false, problems: [] });
    expect(ready(3)!.waitingOn.map((r) => r.number)).toEqual([2]);
  });

  it("names cycles and not-planned dependencies", () => {
    expect(ready(5)!.problems).toEqual([
      {
        kind: "cycle",
        path: [
          { owner: "acme", repo: "specs", number: 5 },
          { owner: "acme", repo: "specs", number: 6 },
          { owner: "acme", repo: "specs", number: 5 },
        ],
      },
    ]);
    expect(ready(7)!.problems).toEqual([
      { kind: "not-planned", ref: { owner: "acme", repo: "specs", number: 8 }, reason: "not planned" },
    ]);
    expect(renderDependencyProblems(ready(7)!.problems, repo)).toContain("#8 was closed as not planned");
    expect(renderDependencyProblems([], repo)).toBeNull();
  });

  it("finds exactly the SPECs a change affects, before and after", () => {
    expect(affectedBy("acme/specs#1", registry, registry).sort()).toEqual(["acme/specs#1", "acme/specs#2"]);
    const after = withVersion(registry, "acme/specs#3", issue(3, "Depends on #2"), config);
    expect(affectedBy("acme/specs#5", registry, after).sort()).toEqual([
      "acme/specs#4",
      "acme/specs#5",
      "acme/specs#6",
    ]);
  });
});

describe("readinessLabelChange", () => {
  const spec = (labels: string[], state: "OPEN" | "CLOSED" = "OPEN") =>
    toSpec(issue(1, "", { labels, state }), repo, config);
  const yes = { ready: true, waitingOn: [], problems: [] };
  const no = { ready: false, waitingOn: [], problems: [] };
  it.each([
    [["spec"], yes, "OPEN", { add: ["ready"], remove: [] }],
    [["spec", "blocked"], yes, "OPEN", { add: ["ready"], remove: ["blocked"] }],
    [["spec", "Ready"], yes, "OPEN", { add: [], remove: [] }],
    [["spec", "ready", "blocked"], no, "OPEN", { add: [], remove: ["ready"] }],
    [["spec", "ready"], null, "CLOSED", { add: [], remove: ["ready"] }],
    [["spec"], null, "CLOSED", { add: [], remove: [] }],
  ] as const)("%j %j %s", (labels, readiness, state, change) => {
    expect(readinessLabelChange(spec([...labels], state), readiness, config)).toEqual(change);
  });
});
