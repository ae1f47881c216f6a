import type { BatchConfig } from "../../domain/config.js";
import { renderDependencyProblems, type StatusLookup } from "../../domain/readiness.js";
import { type Registry, readinessOf } from "../../domain/registry.js";
import { hasLabel, type IssueRecord } from "../../domain/spec.js";
import { withSection } from "../../domain/sticky.js";
import { dependenciesGitHub } from "../../github/dependencies-port.js";
import { stickyMutation } from "../../github/issue-writer.js";
import type { Mutation } from "../../github/mutations.js";
import type { RequestCount, Runtime } from "../shared/runtime.js";

export const DEPENDENCY_SECTION = "dependencies";

/** A SPEC whose explanation may need writing: `text` is what it should say (`null`: nothing, remove it). */
export interface Explanation {
  number: number;
  text: string | null;
}

/**
 * The explanations a whole-repository sync checks: every open SPEC with a problem, and every SPEC labelled
 * `blocked` that has comments (only those can hold an explanation from before: a problem always blocks, and the
 * explanation is a comment). No other SPEC's comments are read, so a repository without problems costs none.
 */
export function explanationsToCheck(
  registry: Registry,
  lookup: StatusLookup,
  config: BatchConfig,
  issues: readonly IssueRecord[],
): Explanation[] {
  // `commentCount` is unknown (undefined) when the read didn't ask: then any SPEC may hold one.
  const commented = new Set(issues.filter((i) => i.commentCount !== 0).map((i) => i.number));
  const out: Explanation[] = [];
  for (const spec of registry.specs.values()) {
    const problems = spec.state === "OPEN" ? (readinessOf(registry, spec.key, lookup)?.problems ?? []) : [];
    const mayHoldOne = hasLabel(spec.labels, config.labels.blocked) && commented.has(spec.number);
    if (problems.length === 0 && !mayHoldOne) continue;
    out.push({ number: spec.number, text: renderDependencyProblems(problems, registry.repo) });
  }
  return out;
}

/**
 * The writes that make each explanation's section of batchbot's sticky comment say `text`: its comments are read
 * (50 issues per request), and only sections that differ are written. Changed issues are added to `changed`.
 */
export async function explanationWrites(
  rt: Runtime,
  explanations: readonly Explanation[],
  report: RequestCount & { stickyChanges: number[] },
  port: Pick<ReturnType<typeof dependenciesGitHub>, "readStickies"> = dependenciesGitHub(
    rt.octokit,
    rt.repo,
    rt.botLogin,
  ),
): Promise<Mutation[]> {
  if (explanations.length === 0) return [];
  const { stickies, requests } = await port.readStickies(explanations.map((c) => c.number));
  report.reads += requests;
  const mutations: Mutation[] = [];
  for (const { number, text } of explanations) {
    const target = stickies.get(number);
    if (!target) continue;
    const next = withSection(target.comment?.body, DEPENDENCY_SECTION, text);
    const mutation = stickyMutation(target.subjectId, target.comment, next, `#${number}`);
    if (mutation) {
      mutations.push(mutation);
      report.stickyChanges.push(number);
    }
  }
  return mutations;
}
