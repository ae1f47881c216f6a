import type { BatchMeta } from "./batch.js";

/** Changes the agent lifecycle makes to a batch's metadata. Each is idempotent: applied twice, it changes nothing more. */

export function addBlocker(
  meta: BatchMeta,
  blocker: { reason: string; at: string; by: string; comment: number },
): BatchMeta {
  const blockers = meta.blockers ?? [];
  if (blockers.some((b) => b.comment === blocker.comment)) return meta;
  return { ...meta, blockers: [...blockers, { ...blocker, clearedAt: null }] };
}

/** Clears every active blocker reported before `at`. */
export function clearBlockers(meta: BatchMeta, at: string): BatchMeta {
  const blockers = meta.blockers ?? [];
  if (!blockers.some((b) => !b.clearedAt && b.at <= at)) return meta;
  return {
    ...meta,
    blockers: blockers.map((b) => (!b.clearedAt && b.at <= at ? { ...b, clearedAt: at } : b)),
  };
}

export function hasActiveBlocker(meta: BatchMeta): boolean {
  return (meta.blockers ?? []).some((b) => !b.clearedAt);
}

/** Records that a SPEC is satisfied by existing code; a second report for the same SPEC replaces the first. */
export function recordFoundExisting(meta: BatchMeta, spec: number, where: string, at: string): BatchMeta {
  const found = meta.foundExisting ?? [];
  const current = found.find((f) => f.spec === spec);
  if (current && current.where === where) return meta;
  return { ...meta, foundExisting: [...found.filter((f) => f.spec !== spec), { spec, where, at }] };
}

/** Takes SPECs out of the batch (returned to the pool). */
export function releaseSpecs(meta: BatchMeta, released: ReadonlySet<number>): BatchMeta {
  if (!meta.specs.some((n) => released.has(n))) return meta;
  const keep = (n: number) => !released.has(n);
  return {
    ...meta,
    specs: meta.specs.filter(keep),
    fixes: meta.fixes.filter(keep),
    shared: meta.shared.filter(keep),
    ...(meta.foundExisting ? { foundExisting: meta.foundExisting.filter((f) => keep(f.spec)) } : {}),
  };
}
