import type { BatchIssue } from "../../domain/batch.js";
import type { Discovery } from "../../domain/knowledge.js";
import type { StatusLookup } from "../../domain/readiness.js";
import { refKey } from "../../domain/references.js";
import { buildRegistry, externalReferences, type Registry, statusLookup } from "../../domain/registry.js";
import type { RegistrySnapshot } from "../../github/registry-reader.js";
import { driverLabels } from "../agent-drivers/assignment.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import type { AssignmentPort } from "./port.js";

/** What planning reads from GitHub before it decides anything. */
export interface AssignmentInputs {
  snapshot: RegistrySnapshot;
  registry: Registry;
  /** Every batch issue, open and closed, with its metadata. */
  batches: BatchIssue[];
  knowledge: { entries: Discovery[]; registry: number | null };
  /** States of dependencies, in the registry or outside it. */
  status: StatusLookup;
}

/**
 * Phase 2, step 1: query the registry. The SPECs (with the batch label's id), the batch issues, the knowledge
 * registry's discoveries, and the states of dependencies outside the registry.
 */
export async function queryRegistry(
  rt: Runtime,
  port: AssignmentPort,
  count: RequestCount,
): Promise<AssignmentInputs> {
  const batchLabel = rt.config.labels.batch;
  const snapshot = await port.readRegistry(rt.config.labels.spec, [batchLabel, ...driverLabels(rt.config)]);
  count.reads += snapshot.requests;
  const registry = buildRegistry(rt.repo, snapshot.issues, rt.config, rt.hosts);
  const read = await port.readBatches(batchLabel);
  count.reads += read.requests;
  const knowledge = await port.readKnowledge(rt.config.labels.knowledge);
  count.reads++;
  const openSpecs = [...registry.specs.values()].filter((s) => s.state === "OPEN");
  const refs = externalReferences(registry, openSpecs);
  const external = refs.length ? await port.lookupIssues(refs) : { issues: new Map(), requests: 0 };
  count.reads += external.requests;
  const status = statusLookup(registry, new Map([...external.issues].map(([k, v]) => [k, v.status])));
  return { snapshot, registry, batches: read.batches, knowledge, status };
}

/** A SPEC of this repository by number, from the registry read. */
export function specOf(inputs: AssignmentInputs) {
  return (number: number) => inputs.registry.specs.get(refKey({ ...inputs.registry.repo, number }));
}
