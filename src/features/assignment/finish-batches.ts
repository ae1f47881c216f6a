import type { BatchIssue } from "../../domain/batch.js";
import { buildRegistry } from "../../domain/registry.js";
import { recordWrites } from "../../github/mutations.js";
import type { Fence } from "../../infra/lock.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";
import { existingTargets, linkMutations } from "./batch-links.js";
import { type AssignmentPort, assignmentPortOf } from "./port.js";

/**
 * Finishes the links of open batches an earlier command opened but could not complete (a refused or lost write):
 * the agent on the batch issue and on its open SPECs, each SPEC not shared a sub-issue. Compares with what GitHub
 * holds and writes only what is missing; nothing when the batches are complete. For `/batch next` given again
 * while the agent's batch is open: the batch the first command opened is finished instead of being left half-done.
 */
export async function finishBatches(
  rt: Runtime,
  open: readonly BatchIssue[],
  all: readonly BatchIssue[],
  fence: Fence | null,
  report: RequestCount & { failures: string[] },
  port: AssignmentPort = assignmentPortOf(rt),
): Promise<void> {
  if (!open.length) return;
  const targets = await existingTargets(port, open, report);
  const snapshot = await port.readRegistry(rt.config.labels.spec, []);
  report.reads += snapshot.requests;
  const registry = buildRegistry(rt.repo, snapshot.issues, rt.config, rt.hosts);
  const assignable = await port.lookupAssignable(open.map((b) => b.meta.agent));
  report.reads += assignable.requests;
  const userOf = (login: string) => assignable.users.get(login.toLowerCase()) ?? null;
  const links = linkMutations(targets, all, registry, userOf);
  if (!links.length || (fence && !(await fence.isCurrent()))) return;
  recordWrites(report, await port.runMutations(links));
}
