import { type BatchIssue, decodeBatchMeta } from "../../src/domain/batch.js";
import { DEFAULT_TEMPLATE } from "../../src/domain/batch-template.js";
import { type BatchConfig, parseConfig } from "../../src/domain/config.js";
import type { IssueRecord } from "../../src/domain/spec.js";
import type { AgentDriversPort } from "../../src/features/agent-drivers/port.js";
import type { AssignmentPort } from "../../src/features/assignment/port.js";
import type { Runtime } from "../../src/features/shared/runtime.js";
import type { BatchLinks } from "../../src/github/batch-writer.js";
import type { CopilotAssignment } from "../../src/github/copilot.js";
import type { DriveGuards } from "../../src/github/drive-guards-reader.js";
import type { Mutation, MutationOutcome } from "../../src/github/mutations.js";
import { issueOf } from "../helpers/specs.js";
import { unitRuntime } from "../helpers/unit-runtime.js";

/**
 * A repository in memory, as the assignment and agent-driver ports see it: SPECs, batch issues with their links,
 * labels, who can be assigned, batchbot's replies. The ports' writes change it, so a second run sees the first.
 */
export interface MemoryRepo {
  specs: IssueRecord[];
  batches: BatchIssue[];
  /** Labels each issue was created with, by issue number (ids). */
  createdWith: Map<number, string[]>;
  links: Map<string, BatchLinks>;
  /** Label ids by lower-cased name. */
  labels: Map<string, string>;
  /** Lower-cased logins GitHub can assign here. */
  assignable: Set<string>;
  /** batchbot's replies: `to` is the command comment they answer. */
  replies: Array<{ id: number; issue: number; to: number; body: string }>;
  guards: Omit<DriveGuards, "requests">;
  copilotId: string | null;
  nextNumber: number;
}

export function configOf(input: Record<string, unknown>): BatchConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

/** An open SPEC with acceptance criteria, written by a collaborator. */
export function spec(n: number): IssueRecord {
  return issueOf({ n, body: `## Acceptance criteria\n- criterion ${n}` });
}

export function memoryRepo(specs: IssueRecord[], assignable: string[]): MemoryRepo {
  return {
    specs,
    batches: [],
    createdWith: new Map(),
    links: new Map(),
    labels: new Map([["spec", "L_spec"]]),
    assignable: new Set(assignable.map((a) => a.toLowerCase())),
    replies: [],
    guards: {
      pausedIssues: new Set(),
      dashboardPaused: false,
      trustedSpecs: new Set(specs.map((s) => s.id)),
    },
    copilotId: "BOT_copilot",
    nextNumber: 100,
  };
}

/** A runtime whose GitHub client refuses every call: the workhorses must go through their port. */
export function runtimeOf(config: BatchConfig): Runtime {
  return unitRuntime(config, { owner: "acme", repo: "specs" });
}

/** Posts batchbot's reply to a command as the command handler does. */
export function postReply(repo: MemoryRepo, issue: number, to: number, body: string): void {
  repo.replies.push({ id: 9000 + repo.replies.length, issue, to, body });
}

export interface Recorded {
  /** Every port call by name, in order. */
  calls: string[];
  /** Every mutation sent, one array per `runMutations` call. */
  runs: Mutation[][];
  dispatches: Array<{ workflow: string; ref: string; batch: number }>;
  copilot: CopilotAssignment[];
}

/** Fields of mutations sent, in order. */
export const fields = (recorded: Recorded) => recorded.runs.flat().map((m) => m.field);

/**
 * The assignment port (drivers' port included) on a memory repository. `refuse` makes GitHub refuse a mutation
 * (it is not applied); `refuseDispatch` makes workflow dispatches fail.
 */
export function memoryPort(
  repo: MemoryRepo,
  options: { refuse?: (m: Mutation) => boolean; refuseDispatch?: boolean } = {},
): { port: AssignmentPort; recorded: Recorded } {
  const recorded: Recorded = { calls: [], runs: [], dispatches: [], copilot: [] };
  const call = (name: string) => recorded.calls.push(name);
  const runMutations = async (mutations: readonly Mutation[]): Promise<MutationOutcome> => {
    call("runMutations");
    recorded.runs.push([...mutations]);
    const outcome: MutationOutcome = { results: [], failures: [], requests: 1 };
    for (const m of mutations) {
      if (options.refuse?.(m)) {
        outcome.failures.push({ mutation: m, message: "refused" });
        outcome.results.push(null);
      } else outcome.results.push(apply(repo, m));
    }
    return outcome;
  };
  const drivers: AgentDriversPort = {
    readGuards: async () => {
      call("readGuards");
      return structuredClone({ ...repo.guards, requests: 1 });
    },
    copilot: () => ({
      find: async () => {
        call("findCopilot");
        return repo.copilotId;
      },
      assign: async (assignment) => {
        call("assignCopilot");
        recorded.copilot.push(assignment);
      },
    }),
    defaultBranch: async () => {
      call("defaultBranch");
      return "main";
    },
    dispatch: async (workflow, ref, batch) => {
      call("dispatch");
      if (options.refuseDispatch) throw new Error("Resource not accessible by integration");
      recorded.dispatches.push({ workflow, ref, batch });
    },
    runMutations,
  };
  const port: AssignmentPort = {
    readRegistry: async () => {
      call("readRegistry");
      return {
        repositoryId: "R_1",
        labelIds: new Map(repo.labels),
        issues: structuredClone(repo.specs),
        openDashboards: 0,
        requests: 1,
      };
    },
    readBatches: async () => {
      call("readBatches");
      return { batches: structuredClone(repo.batches), requests: 1 };
    },
    readKnowledge: async () => {
      call("readKnowledge");
      return { entries: [], registry: null };
    },
    lookupIssues: async () => {
      call("lookupIssues");
      return { issues: new Map(), requests: 1 };
    },
    lookupAssignable: async (logins) => {
      call("lookupAssignable");
      const users = logins.filter((l) => repo.assignable.has(l.toLowerCase()));
      return { users: new Map(users.map((l) => [l.toLowerCase(), `U_${l.toLowerCase()}`])), requests: 1 };
    },
    readBatchLinks: async (ids) => {
      call("readBatchLinks");
      const links = new Map<string, BatchLinks>();
      for (const id of ids) {
        const l = repo.links.get(id);
        if (l) links.set(id, { assignees: [...l.assignees], subIssues: new Set(l.subIssues) });
      }
      return { links, requests: 1 };
    },
    readTemplate: async () => {
      call("readTemplate");
      return { ok: true, template: DEFAULT_TEMPLATE };
    },
    readReplies: async (issue) => {
      call("readReplies");
      return repo.replies.filter((r) => r.issue === issue).map(({ id, to, body }) => ({ id, to, body }));
    },
    reviseReply: async (issue, to, body) => {
      call("reviseReply");
      const existing = repo.replies.find((r) => r.issue === issue && r.to === to);
      if (existing) existing.body = body;
      else postReply(repo, issue, to, body);
      return { posted: !existing, id: existing?.id ?? null };
    },
    runMutations,
    drivers,
  };
  return { port, recorded };
}

const loginOf = (userId: string) => userId.replace(/^U_/, "");

/** A mutation applied to the memory repository, with what GitHub would answer. */
function apply(repo: MemoryRepo, m: Mutation): unknown {
  const input = m.input as Record<string, any>;
  switch (m.field) {
    case "createLabel": {
      const id = `L_${input.name}`;
      repo.labels.set((input.name as string).toLowerCase(), id);
      return { label: { id, name: input.name } };
    }
    case "createIssue":
      return { issue: openIssue(repo, input) };
    case "updateIssue": {
      const batch = repo.batches.find((b) => b.id === input.id);
      if (batch) {
        batch.body = input.body;
        batch.meta = decodeBatchMeta(batch.body) ?? batch.meta;
      }
      return {};
    }
    case "addAssigneesToAssignable": {
      const login = loginOf((input.assigneeIds as string[])[0]!);
      const target =
        repo.links.get(input.assignableId)?.assignees ?? specById(repo, input.assignableId)?.assignees;
      target?.push(login);
      return {};
    }
    case "addSubIssue": {
      const child = specById(repo, input.subIssueId);
      if (child) repo.links.get(input.issueId)?.subIssues.add(child.number);
      return {};
    }
    default:
      throw new Error(`the memory repository doesn't know ${m.field}`);
  }
}

function openIssue(repo: MemoryRepo, input: Record<string, any>) {
  const number = repo.nextNumber++;
  const id = `I_${number}`;
  const meta = decodeBatchMeta(input.body);
  if (!meta) throw new Error("a batch issue without metadata");
  repo.batches.push({ number, id, state: "OPEN", title: input.title, body: input.body, meta });
  repo.createdWith.set(number, input.labelIds);
  const assignees = ((input.assigneeIds ?? []) as string[]).map(loginOf);
  repo.links.set(id, { assignees, subIssues: new Set() });
  return { id, number, url: `https://github.com/acme/specs/issues/${number}` };
}

function specById(repo: MemoryRepo, id: string): IssueRecord | undefined {
  return repo.specs.find((s) => s.id === id);
}
