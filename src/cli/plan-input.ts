import type { BatchConfig } from "../domain/config.js";
import { parseIssueList } from "../domain/gh-issue-list.js";
import { dependencyStatus, type StatusLookup } from "../domain/readiness.js";
import { type RepoRef, refKey } from "../domain/references.js";
import { buildRegistry, type Registry, statusLookup } from "../domain/registry.js";
import { type IssueRecord, isSpec } from "../domain/spec.js";
import { CliError, noSpecsProblem, oneLine, readUserFile } from "./args.js";

/** `--repo OWNER/NAME`. */
export function repoOption(repo: string): RepoRef {
  const [owner, name] = repo.split("/");
  if (!owner || !name) throw new CliError("--repo is OWNER/NAME");
  return { owner, repo: name };
}

/** The issues of a `gh issue list --json` export; `shown` names the file in error messages. */
export function readIssueExport(file: string, shown: string): IssueRecord[] {
  const text = readUserFile(file, "the issues");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${shown} is not JSON: ${oneLine((error as Error).message)}`);
  }
  const list = parseIssueList(json);
  if (!list.ok)
    throw new CliError(`${shown} is not a \`gh issue list --json\` array: at ${list.problems.join("; ")}`);
  return list.issues;
}

/** Where the SPECs come from, for the hints when there is none or `--domain` names none of theirs. */
export interface ExportSource {
  repo: RepoRef;
  config: BatchConfig;
  /** The export as the user named it. */
  shown: string;
  /** The configuration file as the user would name it, or null for the defaults. */
  configShown: string | null;
}

/** The registry of the export's SPECs, and the states of the issues in it that are no SPEC. */
export function exportRegistry(
  issues: readonly IssueRecord[],
  source: ExportSource,
  domain: string | null,
): { registry: Registry; status: StatusLookup } {
  const { repo, config, shown } = source;
  const registry = buildRegistry(repo, issues, config);
  if (!registry.specs.size)
    throw new CliError(noSpecsProblem(shown, issues.length, config.labels.spec, source.configShown));
  checkDomain(domain, registry, shown);
  // Issues in the file that are no SPEC can still be dependencies; anything else is unknown offline.
  const others = new Map(
    issues
      .filter((i) => !isSpec(i, config))
      .map((i) => [refKey({ ...repo, number: i.number }), dependencyStatus(i)] as const),
  );
  return { registry, status: statusLookup(registry, others) };
}

/** `--domain D` must name a domain some SPEC has; otherwise say which domains exist. */
function checkDomain(domain: string | null, registry: Registry, file: string): void {
  if (domain === null) return;
  const known = new Set(
    [...registry.specs.values()].flatMap((spec) => spec.domains.map((d) => d.toLowerCase())),
  );
  if (known.has(domain.toLowerCase())) return;
  const list = known.size ? [...known].sort().join(", ") : "none (no SPEC has a domain label)";
  throw new CliError(`no SPEC in ${file} has domain ${domain}; its domains: ${list}`);
}
