import { defaultConfig } from "../../src/domain/config.js";
import { buildRegistry, type Registry, statusLookup } from "../../src/domain/registry.js";
import type { IssueRecord } from "../../src/domain/spec.js";

export const REPO = { owner: "acme", repo: "specs" };

/** A SPEC in shorthand, for domain tests. */
export interface SpecShape {
  n: number;
  title?: string;
  domain?: string | string[];
  partial?: boolean;
  priority?: "critical" | "high" | "medium" | "low";
  deps?: number[];
  closed?: boolean | "not-planned";
  assignees?: string[];
  body?: string;
  labels?: string[];
}

export function issueOf(s: SpecShape): IssueRecord {
  const domains = s.domain === undefined ? [] : Array.isArray(s.domain) ? s.domain : [s.domain];
  const labels = [
    "spec",
    ...domains.map((d) => `domain:${d}`),
    ...(s.partial ? ["partial"] : []),
    ...(s.priority ? [`priority:${s.priority}`] : []),
    ...(s.labels ?? []),
  ];
  const deps = s.deps?.length ? `Depends on ${s.deps.map((d) => `#${d}`).join(", ")}\n\n` : "";
  return {
    id: `I_${s.n}`,
    databaseId: s.n,
    number: s.n,
    title: s.title ?? `SPEC ${s.n}`,
    body: `${deps}${s.body ?? ""}`,
    state: s.closed ? "CLOSED" : "OPEN",
    stateReason: s.closed === "not-planned" ? "NOT_PLANNED" : s.closed ? "COMPLETED" : null,
    labels,
    assignees: s.assignees ?? [],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    closedAt: s.closed ? "2026-01-02T00:00:00Z" : null,
  };
}

export function registryOf(specs: readonly SpecShape[]): Registry {
  return buildRegistry(REPO, specs.map(issueOf), defaultConfig());
}

export function lookupFor(registry: Registry) {
  return statusLookup(registry, new Map());
}
