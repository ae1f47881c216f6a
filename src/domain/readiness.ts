import type { BatchConfig } from "./config.js";
import { MAX_DEPENDENCIES } from "./dependencies.js";
import type { DependencyGraph } from "./graph.js";
import { type IssueRef, parseRefKey, type RepoRef, refKey, shortRef } from "./references.js";
import { hasLabel, type IssueState, type Spec, type StateReason } from "./spec.js";

export type DependencyStatus =
  | { kind: "completed" }
  | { kind: "open" }
  | { kind: "not-planned"; reason: "not planned" | "a duplicate" | "closed without merging" }
  | { kind: "unreadable" };

export type DependencyProblem =
  | { kind: "cycle"; path: IssueRef[] }
  | { kind: "unreadable"; ref: IssueRef }
  | { kind: "not-planned"; ref: IssueRef; reason: string }
  | { kind: "too-many"; limit: number };

export interface Readiness {
  ready: boolean;
  waitingOn: IssueRef[];
  problems: DependencyProblem[];
}

export interface IssueStatusInput {
  state: IssueState | "MERGED";
  stateReason?: StateReason;
  isPullRequest?: boolean;
}

/** What a dependency's state means for the SPECs waiting on it. A merged pull request counts as completed. */
export function dependencyStatus(issue: IssueStatusInput | null | undefined): DependencyStatus {
  if (!issue) return { kind: "unreadable" };
  if (issue.state === "OPEN") return { kind: "open" };
  if (issue.state === "MERGED") return { kind: "completed" };
  if (issue.isPullRequest) return { kind: "not-planned", reason: "closed without merging" };
  if (issue.stateReason === "NOT_PLANNED") return { kind: "not-planned", reason: "not planned" };
  if (issue.stateReason === "DUPLICATE") return { kind: "not-planned", reason: "a duplicate" };
  return { kind: "completed" };
}

/** The status of a dependency; `key` is its `refKey` when the caller has it already. */
export type StatusLookup = (ref: IssueRef, key?: string) => DependencyStatus;

export function assessReadiness(spec: Spec, status: StatusLookup, graph: DependencyGraph): Readiness {
  const waitingOn: IssueRef[] = [];
  const problems: DependencyProblem[] = [];
  if (spec.tooManyDependencies) problems.push({ kind: "too-many", limit: MAX_DEPENDENCIES });
  const cycle = graph.cycleThrough(spec.key);
  if (cycle) problems.push({ kind: "cycle", path: cycle.map(parseRefKey) });
  for (let i = 0; i < spec.dependencies.length; i++) {
    const dep = spec.dependencies[i]!;
    const s = status(dep, spec.dependencyKeys[i]);
    if (s.kind === "completed") continue;
    waitingOn.push(dep);
    if (s.kind === "unreadable") problems.push({ kind: "unreadable", ref: dep });
    else if (s.kind === "not-planned") problems.push({ kind: "not-planned", ref: dep, reason: s.reason });
  }
  return { ready: waitingOn.length === 0 && problems.length === 0, waitingOn, problems };
}

export interface LabelChange {
  add: string[];
  remove: string[];
}

/** Open SPECs carry exactly one of `blocked` / `ready`; closed SPECs carry neither. */
export function readinessLabelChange(
  spec: Spec,
  readiness: Readiness | null,
  config: BatchConfig,
): LabelChange {
  const { blocked, ready } = config.labels;
  const want = new Set<string>();
  if (spec.state === "OPEN" && readiness) want.add(readiness.ready ? ready : blocked);
  const change: LabelChange = { add: [], remove: [] };
  for (const name of [blocked, ready]) {
    const has = hasLabel(spec.labels, name);
    if (want.has(name) && !has) change.add.push(name);
    if (!want.has(name) && has)
      change.remove.push(spec.labels.find((l) => l.toLowerCase() === name.toLowerCase())!);
  }
  return change;
}

export function isNoChange(change: LabelChange): boolean {
  return change.add.length === 0 && change.remove.length === 0;
}

/** The explanation batchbot keeps in a SPEC's sticky comment, or `null` when there is nothing to explain. */
export function renderDependencyProblems(
  problems: readonly DependencyProblem[],
  home: RepoRef,
): string | null {
  if (problems.length === 0) return null;
  const lines = ["### Dependencies", "This SPEC stays `blocked` until these are resolved:"];
  for (const problem of problems) {
    if (problem.kind === "cycle") {
      const path = problem.path.map((r) => shortRef(r, home));
      lines.push(
        path.length === 2
          ? `- **Self-dependency**: ${path.join(" → ")}: ${path[0]} depends on itself. Remove it from the dependency list.`
          : `- **Dependency cycle**: ${path.join(" → ")}. Break the cycle by removing one of these dependencies.`,
      );
    } else if (problem.kind === "too-many") {
      lines.push(
        `- **Too many dependencies**: this SPEC names more than ${problem.limit}, the most batchbot reads for one SPEC. Split it into smaller SPECs, or name fewer dependencies.`,
      );
    } else if (problem.kind === "unreadable") {
      lines.push(
        `- **Unreadable dependency** ${shortRef(problem.ref, home)}: it does not exist or batchbot has no access to it. Fix the reference or install batchbot on that repository.`,
      );
    } else {
      lines.push(
        `- **Dependency ${shortRef(problem.ref, home)} was closed as ${problem.reason}**: it will never be completed. Reopen it or point this SPEC at the work that replaces it.`,
      );
    }
  }
  return lines.join("\n");
}

export function problemsEqual(a: readonly DependencyProblem[], b: readonly DependencyProblem[]): boolean {
  return JSON.stringify(a.map(problemKey)) === JSON.stringify(b.map(problemKey));
}

function problemKey(p: DependencyProblem): string {
  if (p.kind === "cycle") return `cycle:${p.path.map(refKey).join(">")}`;
  if (p.kind === "too-many") return `too-many:${p.limit}`;
  return `${p.kind}:${refKey(p.ref)}${p.kind === "not-planned" ? `:${p.reason}` : ""}`;
}
