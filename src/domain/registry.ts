import type { BatchConfig } from "./config.js";
import { buildGraph, type DependencyGraph } from "./graph.js";
import {
  assessReadiness,
  type DependencyStatus,
  dependencyStatus,
  type Readiness,
  type StatusLookup,
} from "./readiness.js";
import { type IssueRef, type RepoRef, refKey } from "./references.js";
import { type IssueRecord, isSpec, type Spec, toSpec } from "./spec.js";

/** Every SPEC of one repository, open and closed, with the dependency graph between them. */
export interface Registry {
  repo: RepoRef;
  specs: ReadonlyMap<string, Spec>;
  graph: DependencyGraph;
}

export function buildRegistry(
  repo: RepoRef,
  issues: readonly IssueRecord[],
  config: BatchConfig,
  hosts?: readonly string[],
): Registry {
  const specs = new Map<string, Spec>();
  for (const issue of issues) {
    if (!isSpec(issue, config)) continue;
    const spec = toSpec(issue, repo, config, hosts);
    specs.set(spec.key, spec);
  }
  return { repo, specs, graph: graphOf(specs) };
}

function graphOf(specs: ReadonlyMap<string, Spec>): DependencyGraph {
  const edges = new Map<string, string[]>();
  const open = new Set<string>();
  for (const spec of specs.values()) {
    edges.set(spec.key, spec.dependencyKeys);
    if (spec.state === "OPEN") open.add(spec.key);
  }
  return buildGraph(edges, open);
}

/** The registry as it was before `previous` changed; `null` removes the issue (it did not exist or was no SPEC). */
export function withVersion(
  registry: Registry,
  key: string,
  previous: IssueRecord | null,
  config: BatchConfig,
  hosts?: readonly string[],
): Registry {
  const specs = new Map(registry.specs);
  specs.delete(key);
  if (previous && isSpec(previous, config)) specs.set(key, toSpec(previous, registry.repo, config, hosts));
  return { repo: registry.repo, specs, graph: graphOf(specs) };
}

/** Dependencies of `specs` that the registry can't answer for: other repositories, and issues here that are no SPEC. */
export function externalReferences(registry: Registry, specs: Iterable<Spec>): IssueRef[] {
  const out = new Map<string, IssueRef>();
  for (const spec of specs) {
    for (const dep of spec.dependencies) {
      const key = refKey(dep);
      if (!registry.specs.has(key)) out.set(key, dep);
    }
  }
  return [...out.values()];
}

export function statusLookup(
  registry: Registry,
  external: ReadonlyMap<string, DependencyStatus>,
): StatusLookup {
  return (ref, knownKey) => {
    const key = knownKey ?? refKey(ref);
    const spec = registry.specs.get(key);
    if (spec) return dependencyStatus(spec);
    return external.get(key) ?? { kind: "unreadable" };
  };
}

export function readinessOf(registry: Registry, key: string, status: StatusLookup): Readiness | null {
  const spec = registry.specs.get(key);
  if (spec?.state !== "OPEN") return null;
  return assessReadiness(spec, status, registry.graph);
}

/**
 * The SPECs whose labels or explanations can change when `key` changes: itself, the SPECs that depend on it,
 * and every SPEC on a cycle through it before or after the change.
 */
export function affectedBy(key: string, before: Registry, after: Registry): string[] {
  const out = new Set<string>([key]);
  for (const registry of [before, after]) {
    for (const dependent of registry.graph.dependents.get(key) ?? []) out.add(dependent);
    for (const member of registry.graph.components.get(key) ?? []) out.add(member);
  }
  return [...out].filter((k) => after.specs.has(k) || before.specs.has(k));
}
