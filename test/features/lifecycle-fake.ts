import { type BatchMeta, decodeBatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import type { CountableComment } from "../../src/domain/batch-messages.js";
import type { LifecyclePort } from "../../src/features/lifecycle/run.js";
import type { CommandContext } from "../../src/features/shared/command-registry.js";
import type { Runtime } from "../../src/features/shared/runtime.js";
import type { BatchSnapshot, BatchState, SpecState } from "../../src/github/batch-progress-reader.js";
import type { KnowledgeIssue } from "../../src/github/knowledge-reader.js";
import type { Mutation } from "../../src/github/mutations.js";
import type { Permission } from "../../src/github/permissions.js";
import { LocalLock } from "../../src/infra/lock.js";
import { testConfig, unitRuntime } from "../helpers/unit-runtime.js";

export const config = testConfig();

/** A runtime with no GitHub at all: every call must go through the port. */
export const rt = unitRuntime(config);

export const AGENT = "agent";

export function spec(number: number, options: { closed?: boolean; labels?: string[]; domain?: string } = {}) {
  const s: SpecState = {
    id: `I_${number}`,
    databaseId: 1000 + number,
    number,
    title: `SPEC ${number}`,
    body: "",
    state: options.closed ? "CLOSED" : "OPEN",
    stateReason: options.closed ? "COMPLETED" : null,
    labels: [config.labels.spec, `domain:${options.domain ?? "database"}`, ...(options.labels ?? [])],
    assignees: [AGENT],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    closedAt: options.closed ? "2026-01-02T00:00:00Z" : null,
    assigneeIds: new Map([[AGENT, `U_${AGENT}`]]),
    parent: 10,
  };
  return s;
}

export function batch(specs: number[], comments: CountableComment[] = []): BatchState {
  const meta: BatchMeta = {
    v: 1,
    id: "900:agent",
    agent: AGENT,
    sequence: 1,
    specs,
    fixes: [],
    shared: [],
    sourceCommentId: 900,
    createdAt: "2026-11-25T10:00:00Z",
  };
  const tasks = specs.map((n, i) => `- [ ] ${i + 1}. #${n} SPEC ${n}`);
  const body = ["# Batch", "", ...tasks, "", encodeBatchMeta(meta), ""].join("\n");
  return {
    id: "B_10",
    number: 10,
    state: "OPEN",
    body,
    labels: [config.labels.batch],
    meta,
    subIssues: new Set(specs),
    comments,
  };
}

/**
 * The lifecycle's port in memory: one batch (#10) and its SPECs, the repository's labels, the knowledge registry
 * issues and people's permissions. Reads answer from them; writes are recorded and applied.
 */
export function fakeLifecycle(
  b: BatchState,
  specs: SpecState[],
  permissions: Record<string, Permission> = {},
) {
  const state = {
    batch: b,
    specs: new Map(specs.map((s) => [s.number, s])),
    labels: new Map<string, string>([[config.labels.batch, "L_batch"]]),
    knowledge: [] as KnowledgeIssue[],
    writes: [] as Mutation[],
    reads: 0,
  };
  const snapshot = (batches: number[], numbers: readonly number[], labels: readonly string[]) => {
    state.reads++;
    const out: BatchSnapshot = {
      repositoryId: "R_1",
      labelIds: new Map(labels.flatMap((n) => (state.labels.has(n) ? [[n, state.labels.get(n)!]] : []))),
      batches: new Map(
        batches.includes(state.batch.number) ? [[state.batch.number, structuredClone(state.batch)]] : [],
      ),
      specs: new Map(
        numbers.flatMap((n) => (state.specs.has(n) ? [[n, structuredClone(state.specs.get(n)!)]] : [])),
      ),
      requests: 1,
    };
    return out;
  };
  const port: LifecyclePort = {
    readBatchStates: async (numbers, labels) => snapshot([...numbers.batches], numbers.specs, labels),
    readSpecBatches: async (numbers, labels) =>
      snapshot(
        numbers.some((n) => state.specs.get(n)?.parent === state.batch.number) ? [state.batch.number] : [],
        [...new Set([...numbers, ...state.batch.subIssues])],
        labels,
      ),
    readBatches: async () => {
      state.reads++;
      return { batches: [{ ...state.batch, title: "Batch", meta: state.batch.meta! }], requests: 1 };
    },
    runMutations: async (mutations) => {
      state.writes.push(...mutations);
      return { results: mutations.map((m) => apply(state, m)), failures: [], requests: 1 };
    },
    permissionOf: async (login) => permissions[login] ?? "none",
    readKnowledgeIssues: async (label) => {
      state.reads++;
      return {
        repositoryId: "R_1",
        labelId: state.labels.get(label) ?? null,
        issues: structuredClone(state.knowledge),
      };
    },
  };
  return { port, state };
}

type State = ReturnType<typeof fakeLifecycle>["state"];

function labelName(state: State, id: string): string {
  return [...state.labels].find(([, v]) => v === id)![0];
}

/** One write, applied as GitHub would; the result as the mutation's selection asks. */
function apply(state: State, m: Mutation): unknown {
  const input = m.input as Record<string, any>;
  const issueOf = (id: string) =>
    id === state.batch.id ? state.batch : [...state.specs.values()].find((s) => s.id === id);
  switch (m.field) {
    case "createLabel": {
      state.labels.set(input.name, `L_${input.name}`);
      return { label: { id: `L_${input.name}`, name: input.name } };
    }
    case "updateIssue": {
      if (input.id === state.batch.id) {
        state.batch.body = input.body;
        state.batch.meta = decodeBatchMeta(input.body);
      }
      const registry = state.knowledge.find((k) => k.id === input.id);
      if (registry) registry.body = input.body;
      return {};
    }
    case "closeIssue":
      if (input.issueId === state.batch.id) state.batch.state = "CLOSED";
      return {};
    case "addLabelsToLabelable":
      issueOf(input.labelableId)!.labels.push(...input.labelIds.map((id: string) => labelName(state, id)));
      return {};
    case "removeLabelsFromLabelable": {
      const issue = issueOf(input.labelableId)!;
      const names = input.labelIds.map((id: string) => labelName(state, id));
      issue.labels = issue.labels.filter((l) => !names.includes(l));
      return {};
    }
    case "removeAssigneesFromAssignable": {
      const issue = issueOf(input.assignableId) as SpecState;
      for (const [login, id] of issue.assigneeIds)
        if (input.assigneeIds.includes(id)) {
          issue.assigneeIds.delete(login);
          issue.assignees = issue.assignees.filter((a) => a !== login);
        }
      return {};
    }
    case "removeSubIssue": {
      const issue = issueOf(input.subIssueId) as SpecState;
      issue.parent = null;
      state.batch.subIssues.delete(issue.number);
      return {};
    }
    case "createIssue": {
      const created = {
        id: `K_${state.knowledge.length + 1}`,
        number: 100 + state.knowledge.length,
        body: input.body,
      };
      state.knowledge.push(created);
      return { issue: { id: created.id, number: created.number } };
    }
    default:
      throw new Error(`the fake doesn't know ${m.field}`);
  }
}

/** A command given on the batch issue, as the command registry hands it over. */
export function commandOn(state: State, sender: string, commentId: number): CommandContext {
  return {
    ...rt,
    issueNumber: state.batch.number,
    issueNodeId: state.batch.id,
    isPullRequest: false,
    issueBody: state.batch.body,
    issueLabels: [...state.batch.labels],
    commentId,
    sender,
  };
}

/** The app's side: the lock, and the follow-ups recorded. */
export function fakeDeps() {
  const completed: Array<{ number: number; agent: string }> = [];
  let progress = 0;
  return {
    deps: {
      lock: new LocalLock(),
      follow: {
        specsChanged: async () => {},
        progressChanged: async () => {
          progress++;
        },
        batchesCompleted: async (_rt: Runtime, batches: ReadonlyArray<{ number: number; agent: string }>) => {
          completed.push(...batches);
        },
      },
    },
    completed,
    progress: () => progress,
  };
}
