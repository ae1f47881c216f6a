import { type BatchIssue, decodeBatchMeta } from "../domain/batch.js";
import type { BatchConfig } from "../domain/config.js";
import { type Discovery, decodeKnowledge } from "../domain/knowledge.js";
import { hasLabel, type IssueRecord } from "../domain/spec.js";

/**
 * What a `gh issue list` export says beyond its SPECs, as `/batch assign` reads it from GitHub: the batch issues
 * (their hidden metadata: SPECs held by open ones, each agent's earlier batches for k and its SUCCESS PATTERN)
 * and the knowledge registry's discoveries.
 */
export function exportState(
  issues: readonly IssueRecord[],
  config: BatchConfig,
): { batches: BatchIssue[]; knowledge?: { entries: Discovery[]; registry: number | null } } {
  const batches: BatchIssue[] = [];
  let knowledge: { entries: Discovery[]; registry: number | null } | undefined;
  for (const issue of issues) {
    if (!issue.body.includes("batchbot:")) continue;
    const meta = decodeBatchMeta(issue.body);
    if (meta)
      batches.push({
        number: issue.number,
        id: issue.id,
        state: issue.state,
        title: issue.title,
        body: issue.body,
        meta,
      });
    else if (!knowledge && hasLabel(issue.labels, config.labels.knowledge))
      knowledge = { entries: decodeKnowledge(issue.body).entries, registry: issue.number };
  }
  return knowledge ? { batches, knowledge } : { batches };
}
