import type { DependencyStatus, LabelChange } from "../../domain/readiness.js";
import {
  isNoChange,
  problemsEqual,
  readinessLabelChange,
  renderDependencyProblems,
} from "../../domain/readiness.js";
import { type IssueRef, refKey } from "../../domain/references.js";
import {
  affectedBy,
  buildRegistry,
  externalReferences,
  readinessOf,
  statusLookup,
  withVersion,
} from "../../domain/registry.js";
import { hasLabel, type IssueRecord, isSpec, type Spec, toSpec } from "../../domain/spec.js";
import { dependenciesGitHub } from "../../github/dependencies-port.js";
import { createLabelMutation, labelMutations } from "../../github/issue-writer.js";
import { describeFailures, type Mutation, recordWrites } from "../../github/mutations.js";
import type { ExternalIssue } from "../../github/registry-reader.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { explanationsToCheck, explanationWrites } from "./explanations.js";
import { readinessLabelNames, readSpecRegistry } from "./registry.js";

export { DEPENDENCY_SECTION } from "./explanations.js";

/** The calls the dependencies workhorse makes (`src/github/dependencies-port.ts`); unit tests fake it in memory. */
export type DependenciesPort = ReturnType<typeof dependenciesGitHub>;

/** The port on the runtime's GitHub client. */
export function portOf(rt: Runtime): DependenciesPort {
  return dependenciesGitHub(rt.octokit, rt.repo, rt.botLogin);
}

/** A change to one issue, as a webhook tells it. */
export interface IssueChange {
  current: IssueRecord;
  /** The issue before the change: `null` if it didn't exist, `"unknown"` when the event doesn't say. */
  previous: IssueRecord | null | "unknown";
  /** Whether the issue is gone from this repository (deleted, transferred). */
  removed: boolean;
  /** Mirror the written dependencies into GitHub's native relations (opened, edited). */
  mirror: boolean;
}

export interface SyncReport extends RequestCount {
  labelChanges: Array<{ number: number; change: LabelChange }>;
  stickyChanges: number[];
  failures: string[];
  /** Open dashboard issues, as the registry read saw them (`null`: not read). */
  openDashboards: number | null;
  /** Open pull requests, as the registry read saw them (`null`: not read). */
  openPullRequests: number | null;
}

async function loadRegistry(rt: Runtime, port: DependenciesPort, report: SyncReport) {
  const snapshot = await readSpecRegistry(rt, port);
  report.reads += snapshot.requests;
  report.openDashboards = snapshot.openDashboards;
  report.openPullRequests = snapshot.openPullRequests ?? null;
  return { snapshot, registry: buildRegistry(rt.repo, snapshot.issues, rt.config, rt.hosts) };
}

async function lookupExternal(
  port: DependenciesPort,
  refs: IssueRef[],
  report: SyncReport,
): Promise<Map<string, ExternalIssue>> {
  if (refs.length === 0) return new Map();
  const { issues, requests } = await port.lookupIssues(refs);
  report.reads += requests;
  return issues;
}

function statuses(external: ReadonlyMap<string, ExternalIssue>): Map<string, DependencyStatus> {
  return new Map([...external].map(([key, issue]) => [key, issue.status]));
}

/** Label changes planned for SPECs, as the registry and the quality gate compute them. */
export interface LabelPlan {
  spec: { id: string; number: number };
  change: LabelChange;
}

/**
 * The writes for `plans`: labels the repository lacks are created first (so their ids exist), then one add and one
 * remove mutation per SPEC; each change is recorded in the report.
 */
export async function labelWrites(
  rt: Runtime,
  snapshot: { repositoryId: string; labelIds: Map<string, string> },
  plans: readonly LabelPlan[],
  report: Pick<SyncReport, "writes" | "failures" | "labelChanges">,
  port: Pick<DependenciesPort, "runMutations"> = portOf(rt),
): Promise<Mutation[]> {
  await ensureLabels(
    rt,
    snapshot.repositoryId,
    snapshot.labelIds,
    plans.flatMap((p) => p.change.add),
    report,
    port,
  );
  const mutations: Mutation[] = [];
  for (const plan of plans) {
    mutations.push(...labelMutations(plan.spec.id, plan.change, snapshot.labelIds, `#${plan.spec.number}`));
    report.labelChanges.push({ number: plan.spec.number, change: plan.change });
  }
  return mutations;
}

/** Creates the labels batchbot writes that a repository lacks, so their ids can be used in the same event. */
export async function ensureLabels(
  rt: Runtime,
  repositoryId: string,
  labelIds: Map<string, string>,
  needed: Iterable<string>,
  report: Pick<SyncReport, "writes" | "failures">,
  port: Pick<DependenciesPort, "runMutations"> = portOf(rt),
): Promise<void> {
  const keyOf = (name: string) =>
    Object.entries(rt.config.labels).find(([, v]) => v.toLowerCase() === name.toLowerCase())?.[0] ?? name;
  const missing = [...new Set([...needed].map((n) => n.toLowerCase()))].filter((n) => !labelIds.has(n));
  if (missing.length === 0) return;
  const names = missing.map((lower) => [...needed].find((n) => n.toLowerCase() === lower)!);
  const outcome = await port.runMutations(
    names.map((name) => createLabelMutation(repositoryId, name, keyOf(name))),
  );
  report.writes += outcome.requests;
  outcome.results.forEach((result) => {
    const label = (result as { label?: { id: string; name: string } } | null)?.label;
    if (label) labelIds.set(label.name.toLowerCase(), label.id);
  });
  report.failures.push(...describeFailures(outcome));
}

function emptyReport(): SyncReport {
  return {
    reads: 0,
    writes: 0,
    labelChanges: [],
    stickyChanges: [],
    failures: [],
    openDashboards: null,
    openPullRequests: null,
  };
}

type Registry = ReturnType<typeof buildRegistry>;

/** The registry around one change: after it, before it (`null`: unknown), and the SPECs it can affect. */
interface ChangeScope {
  key: string;
  after: Registry;
  before: Registry | null;
  affected: string[];
  /** The text this event carries, when it is a SPEC to mirror into native relations (see `mirrorWritten`). */
  written: Spec | null;
  external: Map<string, ExternalIssue>;
}

async function scopeOf(
  rt: Runtime,
  port: DependenciesPort,
  change: IssueChange,
  fresh: Registry,
  report: SyncReport,
): Promise<ChangeScope> {
  const key = refKey({ ...rt.repo, number: change.current.number });
  const after = change.removed ? withVersion(fresh, key, null, rt.config, rt.hosts) : fresh;
  const before =
    change.previous === "unknown" ? null : withVersion(after, key, change.previous, rt.config, rt.hosts);
  const affected = affectedBy(key, before ?? after, after);
  const openAfter = affected.map((k) => after.specs.get(k)).filter((s): s is Spec => s?.state === "OPEN");
  const beforeSpecs = before ? affected.map((k) => before.specs.get(k)).filter((s): s is Spec => !!s) : [];
  const written =
    change.mirror && isSpec(change.current, rt.config)
      ? toSpec(change.current, rt.repo, rt.config, rt.hosts)
      : null;
  const external = await lookupExternal(
    port,
    dedupe([
      ...externalReferences(after, openAfter),
      ...(before ? externalReferences(before, beforeSpecs) : []),
      ...(written ? externalReferences(after, [written]) : []),
    ]),
    report,
  );
  return { key, after, before, affected, written, external };
}

/** Label changes and sticky explanations for the affected SPECs: only where readiness or problems changed. */
function planAffected(rt: Runtime, change: IssueChange, scope: ChangeScope) {
  const { key, after, before, external } = scope;
  const lookupAfter = statusLookup(after, statuses(external));
  const labelPlans: LabelPlan[] = [];
  const stickyCandidates: Array<{ number: number; text: string | null }> = [];
  for (const k of scope.affected) {
    const spec = after.specs.get(k);
    const readiness = readinessOf(after, k, lookupAfter);
    if (spec) {
      const labelChange = readinessLabelChange(spec, readiness, rt.config);
      if (!isNoChange(labelChange)) labelPlans.push({ spec, change: labelChange });
    }
    const problemsAfter = readiness?.problems ?? [];
    const number = spec?.number ?? before?.specs.get(k)?.number;
    if (number === undefined || (change.removed && k === key)) continue;
    if (before) {
      const problemsBefore = readinessOf(before, k, statusLookup(before, statuses(external)))?.problems ?? [];
      if (problemsEqual(problemsBefore, problemsAfter)) continue;
    } else if (problemsAfter.length === 0 && !(spec && hasLabel(spec.labels, rt.config.labels.blocked)))
      continue;
    stickyCandidates.push({ number, text: renderDependencyProblems(problemsAfter, rt.repo) });
  }
  return { labelPlans, stickyCandidates };
}

/** An issue that stopped being a SPEC loses the readiness labels batchbot gave it (a blocked batch issue keeps its own). */
function staleReadinessPlan(rt: Runtime, change: IssueChange): LabelPlan | null {
  const { current } = change;
  if (change.removed || isSpec(current, rt.config) || hasLabel(current.labels, rt.config.labels.batch))
    return null;
  const stale = readinessLabelNames(rt.config).filter((n) => hasLabel(current.labels, n));
  return stale.length ? { spec: current, change: { add: [], remove: stale } } : null;
}

/**
 * Brings readiness labels, sticky explanations and native relations up to date after one issue changed.
 * Reads the registry once; evaluates only the SPECs the change can affect; writes only what differs.
 */
export async function syncAfterChange(
  rt: Runtime,
  change: IssueChange,
  port: DependenciesPort = portOf(rt),
): Promise<SyncReport> {
  const report = emptyReport();
  const { snapshot, registry: fresh } = await loadRegistry(rt, port, report);
  const scope = await scopeOf(rt, port, change, fresh, report);
  const { labelPlans, stickyCandidates } = planAffected(rt, change, scope);
  const stale = staleReadinessPlan(rt, change);
  if (stale) labelPlans.push(stale);

  const mutations = await labelWrites(rt, snapshot, labelPlans, report, port);
  mutations.push(...(await explanationWrites(rt, stickyCandidates, report, port)));
  if (mutations.length) {
    const outcome = await port.runMutations(mutations);
    recordWrites(report, outcome);
  }

  const { key, after, before, written, external } = scope;
  // A body past the dependency cap mirrors nothing: it is blocked until it names fewer.
  if (written && after.specs.get(key)?.state === "OPEN" && !written.tooManyDependencies) {
    const idOf = (ref: IssueRef) =>
      after.specs.get(refKey(ref))?.databaseId ?? external.get(refKey(ref))?.databaseId ?? null;
    await mirrorWritten(port, written, before?.specs.get(key)?.dependencies ?? [], idOf, report);
  }
  return report;
}

/**
 * Native "blocked by" relations for the text an event (or a burst of edits, `editBursts`) carries: the
 * dependencies `written` names now, against those `previous` (the text before it, which the run before mirrored)
 * named. Both come from the event, not from the registry read, so consecutive runs chain: a relation is removed
 * only if the text the last run mirrored named it, whatever the body was when GitHub answered the read.
 */
async function mirrorWritten(
  port: DependenciesPort,
  written: Spec,
  previous: readonly IssueRef[],
  idOf: (ref: IssueRef) => number | null,
  report: SyncReport,
): Promise<void> {
  const links = await port.mirrorLinks(
    written.number,
    idSet(written.dependencies, idOf, written.databaseId),
    idSet(previous, idOf, written.databaseId),
  );
  report.reads += 1;
  report.writes += links.requests - 1;
  report.failures.push(...links.failures);
}

/** GitHub keeps at most 50 native "blocked by" relations per issue: the first 50 dependencies are mirrored. */
export const MAX_NATIVE_BLOCKED_BY = 50;

function idSet(
  refs: readonly IssueRef[],
  idOf: (ref: IssueRef) => number | null,
  self: number | null,
): Set<number> {
  const ids = new Set<number>();
  for (const ref of refs) {
    const id = idOf(ref);
    if (id !== null && id !== self) ids.add(id);
    if (ids.size === MAX_NATIVE_BLOCKED_BY) break;
  }
  return ids;
}

function dedupe(refs: IssueRef[]): IssueRef[] {
  return [...new Map(refs.map((r) => [refKey(r), r])).values()];
}

/**
 * Labels every SPEC of a repository and explains the problems of each in its sticky comment (installation,
 * `/batch sync`). Comments are read only of open SPECs with a problem and of SPECs labelled `blocked` (which may
 * hold an explanation from before); native relations are left alone.
 */
export async function syncRepository(rt: Runtime, port: DependenciesPort = portOf(rt)): Promise<SyncReport> {
  const report = emptyReport();
  const { snapshot, registry } = await loadRegistry(rt, port, report);
  const open = [...registry.specs.values()].filter((s) => s.state === "OPEN");
  const external = await lookupExternal(port, externalReferences(registry, open), report);
  const lookup = statusLookup(registry, statuses(external));
  const plans = [...registry.specs.values()]
    .map((spec) => ({
      spec,
      change: readinessLabelChange(spec, readinessOf(registry, spec.key, lookup), rt.config),
    }))
    .filter((p) => !isNoChange(p.change));
  const mutations = await labelWrites(rt, snapshot, plans, report, port);
  mutations.push(
    ...(await explanationWrites(
      rt,
      explanationsToCheck(registry, lookup, rt.config, snapshot.issues),
      report,
      port,
    )),
  );
  if (mutations.length) {
    const outcome = await port.runMutations(mutations);
    recordWrites(report, outcome);
  }
  return report;
}
