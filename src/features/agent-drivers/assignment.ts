import type { BatchIssue, BatchMeta } from "../../domain/batch.js";
import type { BatchConfig } from "../../domain/config.js";
import { type DriveDecision, noDriveNote } from "../../domain/drive-decision.js";
import { quietMention } from "../../domain/mention-escape.js";
import type { Runtime } from "../shared/runtime.js";
import { bodyAtCreation } from "./handoff.js";
import { type DriveCandidate, driverOf, planDrives } from "./plan.js";
import type { AgentDriversPort } from "./port.js";

/** The labels the configured label drivers add to batch issues (read with the registry, created when missing). */
export function driverLabels(config: BatchConfig): string[] {
  return [
    ...new Set(
      config.agents.flatMap((a) =>
        a.driver && a.driver !== "none" && "label" in a.driver ? [a.driver.label] : [],
      ),
    ),
  ];
}

interface Draft {
  body: string;
  meta: BatchMeta;
}

export interface PreparedDrives {
  reads: number;
  /** Driver labels the batches about to open need and the repository lacks. */
  missingLabels: string[];
  /** Label ids by lower-cased name; label creation adds to it. */
  labelIds: Map<string, string>;
  decision(meta: BatchMeta): DriveDecision | undefined;
  /** A draft's body and metadata at creation: with its mention and its `driven` record when it is driven. */
  created(draft: Draft): Draft;
  /** Label ids a draft is created with besides the batch label: its driver's label when it is driven. */
  labelsAtCreation(draft: Draft): string[];
  /** A batch opened by an earlier delivery, with its `driven` record when this run drives it (Copilot, dispatch). */
  recorded(meta: BatchMeta): BatchMeta;
}

/**
 * The drivers' part of `/batch assign`, decided before anything is written (never for a dry run): which batches get
 * a start signal. Label and mention signals go out with the batch issue's creation; Copilot and dispatch signals
 * after the issue is complete (fire.ts). Every drive is recorded in the batch's metadata before its signal is sent.
 */
export async function prepareDrives(
  rt: Runtime,
  port: Pick<AgentDriversPort, "readGuards">,
  input: {
    drafts: readonly Draft[];
    /** Batches this command opened on an earlier delivery. */
    mine: readonly BatchIssue[];
    batches: readonly BatchIssue[];
    specOf: (number: number) => { id: string } | undefined;
    labelIds: ReadonlyMap<string, string>;
  },
): Promise<PreparedDrives> {
  const now = new Date().toISOString();
  const specIds = (meta: BatchMeta) => meta.specs.flatMap((n) => input.specOf(n)?.id ?? []);
  const candidates: DriveCandidate[] = [
    ...input.mine.map((b) => ({ meta: b.meta, number: b.number, specIds: specIds(b.meta) })),
    ...input.drafts.map((d) => ({ meta: d.meta, number: null, specIds: specIds(d.meta) })),
  ];
  const plan = await planDrives(rt, port, { candidates, batches: input.batches, now });
  const decision = (meta: BatchMeta) => plan.decisions.get(meta.id);
  const labelIds = new Map(input.labelIds);
  const labelOf = (meta: BatchMeta) => {
    const d = decision(meta);
    const driver = driverOf(rt.config, meta.agent);
    return d?.drive && d.kind === "label" && driver && driver !== "none" && "label" in driver
      ? driver.label
      : null;
  };
  const created = new Map<string, Draft>();
  return {
    reads: plan.reads,
    missingLabels: [
      ...new Set(
        input.drafts.flatMap((d) => {
          const name = labelOf(d.meta);
          return name && !labelIds.has(name.toLowerCase()) ? [name] : [];
        }),
      ),
    ],
    labelIds,
    decision,
    created(draft) {
      let out = created.get(draft.meta.id);
      if (!out) {
        out = bodyAtCreation(rt, draft, decision(draft.meta), now);
        created.set(draft.meta.id, out);
      }
      return out;
    },
    labelsAtCreation(draft) {
      const name = labelOf(draft.meta);
      const id = name ? labelIds.get(name.toLowerCase()) : undefined;
      return id ? [id] : [];
    },
    recorded(meta) {
      const d = decision(meta);
      if (meta.driven || !d?.drive || (d.kind !== "copilot" && d.kind !== "dispatch")) return meta;
      return { ...meta, driven: { driver: d.kind, at: now } };
    },
  };
}

/** The reply's lines about batches a driver didn't start, and why. */
export function driveNotes(
  drives: Pick<PreparedDrives, "decision">,
  targets: ReadonlyArray<{ number: number; meta: BatchMeta }>,
): string[] {
  return targets.flatMap((t) => {
    const d = drives.decision(t.meta);
    if (!d || d.drive) return [];
    const note = noDriveNote(d.why, `#${t.number}`, quietMention(t.meta.agent));
    return note ? [note] : [];
  });
}
