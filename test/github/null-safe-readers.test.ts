import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BatchSnapshot,
  readBatchStates,
  readMoreComments,
  readSpecBatches,
  type SpecState,
} from "../../src/github/batch-progress-reader.js";
import { readBatches } from "../../src/github/batch-reader.js";
import { lookupAssignable, readBatchLinks } from "../../src/github/batch-writer.js";
import { findCopilot } from "../../src/github/copilot.js";
import { readDriveGuards } from "../../src/github/drive-guards-reader.js";
import type { GitHub } from "../../src/github/graphql.js";
import { readKnowledgeIssues } from "../../src/github/knowledge-reader.js";
import { readOpenPullRequests } from "../../src/github/open-pull-requests-reader.js";
import { readSharedProgress } from "../../src/github/progress-batches.js";
import { readProgress } from "../../src/github/progress-reader.js";
import { readPullRequestGate, readSpecGates } from "../../src/github/quality-gate-reader.js";
import { lookupIssues, readRegistry } from "../../src/github/registry-reader.js";
import { recentReplies } from "../../src/github/replies.js";
import { readStickyComments } from "../../src/github/sticky-reader.js";
import { type NullPlan, schemaResponse, selectionDepth } from "../helpers/schema-response.js";

/**
 * Every GraphQL reader on responses GitHub's schema allows: with every nullable field null from some depth down
 * (authors of deleted accounts, commits, labels, nodes of lists, the repository itself), and with every nullable
 * list item null. The responses are generated from the schema, so a field added to a query is covered at once.
 */

const repo = { owner: "acme", repo: "specs" };
const gate = (octokit: GitHub) => ({
  octokit,
  repo,
  hosts: ["github.com"],
  botLogin: "batchbot",
  labels: {
    inReview: "in-review",
    changesRequested: "changes-requested",
    validated: "validated",
    batch: "batch",
    dashboard: "batch-dashboard",
  },
});

/** An open batch whose first 100 comments were read, with more to come. */
function batchWithManyComments(): BatchSnapshot {
  const meta = { v: 1, id: "1:a", agent: "a", sequence: 1, specs: [1], fixes: [], shared: [] } as const;
  const batch = {
    id: "I_50",
    number: 50,
    state: "OPEN" as const,
    body: "",
    labels: [],
    meta: {
      ...meta,
      specs: [1],
      fixes: [],
      shared: [],
      sourceCommentId: 1,
      createdAt: "2026-11-25T09:00:00Z",
    },
    subIssues: new Set<number>(),
    comments: [],
    commentsAfter: "cursor",
  };
  return {
    repositoryId: "R_1",
    labelIds: new Map(),
    batches: new Map([[50, batch]]),
    specs: new Map(),
    requests: 0,
  };
}

const READERS: Record<string, (octokit: GitHub) => Promise<unknown>> = {
  readRegistry: (o) => readRegistry(o, repo, "spec", ["batch", "blocked"]),
  lookupIssues: (o) => lookupIssues(o, [{ owner: "other", repo: "lib", number: 4 }]),
  readBatches: (o) => readBatches(o, repo, "batch"),
  readBatchLinks: (o) => readBatchLinks(o, ["I_1", "I_2"]),
  lookupAssignable: (o) => lookupAssignable(o, repo, ["alice", "bob"]),
  readKnowledgeIssues: (o) => readKnowledgeIssues(o, repo, "knowledge"),
  readBatchStates: (o) => readBatchStates(o, repo, { batches: [50], specs: [1, 2] }, ["validated"]),
  readBatchStatesWithSpecComments: (o) =>
    readBatchStates(o, repo, { batches: [50], specs: [1, 2] }, [], { specComments: true }),
  readSpecBatches: (o) => readSpecBatches(o, repo, [1, 2], ["validated"]),
  readMoreComments: (o) => readMoreComments(o, batchWithManyComments()),
  readMoreSpecComments: (o) => {
    const snapshot = batchWithManyComments();
    const spec = { id: "I_1", number: 1, comments: [], commentsAfter: "cursor" };
    snapshot.specs.set(1, spec as unknown as SpecState);
    return readMoreComments(o, snapshot);
  },
  readDriveGuards: (o) => readDriveGuards(o, repo, ["I_1", "I_2"], "batch-dashboard", "batchbot"),
  findCopilot: (o) => findCopilot(o, repo),
  readPullRequestGate: (o) => readPullRequestGate(gate(o), 10, [1, 2], "e2e"),
  readSpecGates: (o) => readSpecGates(gate(o), [1, 2], "e2e"),
  readOpenPullRequests: (o) => readOpenPullRequests(o, repo),
  readProgress: (o) =>
    readProgress(
      o,
      repo,
      { spec: "spec", batch: "batch", dashboard: "batch-dashboard", changesRequested: "changes-requested" },
      { owner: "acme", number: 3, ownerType: "Organization" },
      { specs: true, batches: true },
    ),
  readSharedProgress: (o) =>
    readSharedProgress(
      o,
      repo,
      { spec: "spec", batch: "batch", dashboard: "batch-dashboard", changesRequested: "changes-requested" },
      { owner: "acme", number: 3, ownerType: "Organization" },
    ),
  readStickyComments: (o) => readStickyComments(o, repo, [1, 2], "batchbot"),
  recentReplies: (o) => recentReplies(o, repo, 3, "batchbot"),
};

/** An Octokit whose GraphQL answers from the schema under `plan`, recording the operations and their depths. */
function schemaOctokit(plan: NullPlan, seen: Map<string, number>): GitHub {
  const graphql = async (query: string, parameters: Record<string, unknown> = {}) => {
    const { headers: _h, request: _r, mediaType: _m, ...variables } = parameters;
    const name = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
    seen.set(name, Math.max(seen.get(name) ?? 0, selectionDepth(query)));
    return schemaResponse(query, variables, plan);
  };
  // REST calls some readers make besides (a collaborator's permission) answer an empty object.
  const rest = new Proxy({}, { get: () => new Proxy({}, { get: () => async () => ({ data: {} }) }) });
  return { graphql, rest } as unknown as GitHub;
}

/** Names of the GraphQL queries in src/, so a new reader can't be left out of this test. */
function queriesInSource(dir = "src"): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) for (const n of queriesInSource(path)) names.add(n);
    else if (path.endsWith(".ts"))
      for (const m of readFileSync(path, "utf8").matchAll(/query (Batchbot\w+)/g)) names.add(m[1]!);
  }
  return names;
}

describe("GraphQL readers on the nulls GitHub's schema allows", () => {
  const seen = new Map<string, number>();

  it.each(Object.keys(READERS))("%s survives every nullable field null, depth by depth", async (name) => {
    const reader = READERS[name]!;
    const problems: string[] = [];
    // A first run finds how deep its queries go; then every depth from the root (all null) to the leaves.
    // A reader may refuse what it can't use with an error that says so (a repository it can't read); it may not
    // trip over a null (a TypeError), which would answer the webhook with a 500.
    const run = (below: number, into: Map<string, number>) =>
      reader(schemaOctokit({ below }, into)).catch((error: Error) => {
        if (error instanceof TypeError)
          problems.push(`null from depth ${below}: ${error.stack?.split("\n").slice(0, 3).join(" ")}`);
      });
    const depths = new Map<string, number>();
    await run(Number.POSITIVE_INFINITY, depths);
    const deepest = Math.max(1, ...depths.values());
    for (let below = 1; below <= deepest + 1; below++) await run(below, seen);
    expect(problems).toEqual([]);
  });

  it("covers every query batchbot sends", () => {
    expect([...queriesInSource()].filter((q) => !seen.has(q))).toEqual([]);
  });
});
