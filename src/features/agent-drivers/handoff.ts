import { driverMention, mentionLine } from "../../domain/agent-driver.js";
import type { BatchMeta } from "../../domain/batch.js";
import { withBatchMeta } from "../../domain/batch-body.js";
import { type BatchDataSource, buildBatchData, withBatchData } from "../../domain/batch-data.js";
import type { DriveDecision } from "../../domain/drive-decision.js";
import type { Runtime } from "../shared/runtime.js";
import { driverOf } from "./plan.js";

/** The commands an agent gives on its batch issue, as the batch data lists them (a test keeps them registered). */
export const AGENT_COMMANDS: Readonly<Record<string, string>> = {
  done: "/batch done",
  blocked: "/batch blocked <reason>",
  unblocked: "/batch unblocked",
  "found-existing": "/batch found-existing #N [where]",
  discovery: "/batch discovery <text>",
  next: "/batch next [@agent]",
};

/** The web address of an issue of the repository: on the last configured host (GHE_HOST when set). */
export function issueUrlOf(rt: Runtime): (number: number) => string {
  const host = rt.hosts[rt.hosts.length - 1] ?? "github.com";
  return (number) => `https://${host}/${rt.repo.owner}/${rt.repo.repo}/issues/${number}`;
}

/**
 * A batch issue's body and metadata at creation, with what its driver needs from the start: the mention (live,
 * outside the defused text: the runner reads it on `opened`) and the `driven` record (written before any signal,
 * so a redelivery never sends a second one).
 */
export function bodyAtCreation(
  rt: Runtime,
  draft: { body: string; meta: BatchMeta },
  decision: DriveDecision | undefined,
  now: string,
): { body: string; meta: BatchMeta } {
  if (!decision?.drive) return draft;
  const meta: BatchMeta = { ...draft.meta, driven: { driver: decision.kind, at: now } };
  let body = withBatchMeta(draft.body, meta);
  const mention = decision.kind === "mention" ? driverMention(driverOf(rt.config, meta.agent)) : null;
  if (mention) {
    const found = body.indexOf("<!-- batchbot:batch ");
    const at = found === -1 ? body.length : found;
    body = `${body.slice(0, at).replace(/\s*$/, "")}\n\n${mentionLine(mention)}\n${body.slice(at)}`;
  }
  return { body, meta };
}

/**
 * The body an opened batch issue should have: its batch data (which needs the issue's number, so it is written right
 * after creation, in the same request as the assignments) and its metadata. Unchanged (the same string) when so.
 */
export function bodyWithData(
  rt: Runtime,
  batch: { number: number; body: string; meta: BatchMeta },
  source: (number: number) => BatchDataSource | undefined,
): string {
  const data = buildBatchData({
    batch: batch.number,
    agent: batch.meta.agent,
    specs: batch.meta.specs,
    fixes: batch.meta.fixes,
    source,
    repo: rt.repo,
    issueUrl: issueUrlOf(rt),
    validators: { b1: rt.config.validation?.b1 ?? [], b2: rt.config.validation?.b2 ?? [] },
    commands: AGENT_COMMANDS,
  });
  return withBatchData(withBatchMeta(batch.body, batch.meta), data);
}
