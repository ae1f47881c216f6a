import type { IssuesPayload } from "../shared/issue-payload.js";

/**
 * One edit standing for several of the same issue: the latest issue, and for each field the text it had before the
 * first of them (`changes.<field>.from` of the earliest edit that changed it). Reading it as one edit from the state
 * the last run saw to the latest state gives the same labels, explanations and native relations as reading each
 * edit in turn: a relation is removed only if the text that run mirrored named it, and texts no run saw mirrored
 * nothing.
 */
export function mergeEdits(earlier: IssuesPayload | null, later: IssuesPayload): IssuesPayload {
  if (!earlier) return later;
  const changes: NonNullable<IssuesPayload["changes"]> = { ...later.changes };
  if (earlier.changes?.body) changes.body = earlier.changes.body;
  if (earlier.changes?.title) changes.title = earlier.changes.title;
  return { ...later, changes };
}

export interface BurstTiming {
  /** An edit within this long of the issue's last run waits, and the wait ends this long after the latest edit… */
  quietMs: number;
  /** …or this long after the first waiting edit, whichever is sooner (webhook deliveries time out after 10 s). */
  maxWaitMs: number;
}

export const BURST_TIMING: BurstTiming = { quietMs: 2000, maxWaitMs: 6000 };

type Run = (payload: IssuesPayload) => Promise<void>;

interface Burst {
  running: Promise<void> | null;
  lastStart: number;
  pending: { payload: IssuesPayload; run: Run; first: number; last: number } | null;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Folds bursts of `issues.edited` events of one issue. An edit with no run of its issue in the last `quietMs` runs
 * at once; later ones wait, merged (`mergeEdits`), and run once over the latest state when the edits pause for
 * `quietMs` (at most `maxWaitMs` after the first), never while a run of the issue is in progress. 200 edits in
 * 10 s then cost three runs, not 200. Each event resolves when the run that covered it ends. Other actions run at
 * once. Per process: instances sharing Redis each fold what they receive.
 */
export function editBursts(timing: BurstTiming = BURST_TIMING) {
  const bursts = new Map<string, Burst>();

  const start = (key: string, burst: Burst, payload: IssuesPayload, run: Run): Promise<void> => {
    burst.lastStart = Date.now();
    const running = run(payload).finally(() => {
      burst.running = null;
      if (burst.pending) schedule(key, burst);
      else forgetLater(key, burst);
    });
    burst.running = running;
    return running;
  };

  const fire = (key: string, burst: Burst) => {
    burst.timer = null;
    if (burst.running) return; // it schedules again when it ends
    const pending = burst.pending!;
    const waiters = burst.waiters;
    burst.pending = null;
    burst.waiters = [];
    start(key, burst, pending.payload, pending.run).then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (error: unknown) => {
        for (const w of waiters) w.reject(error);
      },
    );
  };

  const schedule = (key: string, burst: Burst) => {
    const pending = burst.pending!;
    const due = Math.min(pending.last + timing.quietMs, pending.first + timing.maxWaitMs);
    if (burst.timer) clearTimeout(burst.timer);
    burst.timer = setTimeout(() => fire(key, burst), Math.max(0, due - Date.now()));
  };

  const forgetLater = (key: string, burst: Burst) => {
    const timer = setTimeout(() => {
      if (!burst.running && !burst.pending && bursts.get(key) === burst) bursts.delete(key);
    }, timing.quietMs);
    timer.unref?.();
  };

  return (key: string, payload: IssuesPayload, run: Run): Promise<void> => {
    if (payload.action !== "edited") return run(payload);
    const now = Date.now();
    let burst = bursts.get(key);
    if (!burst) {
      burst = { running: null, lastStart: -Infinity, pending: null, waiters: [], timer: null };
      bursts.set(key, burst);
    }
    if (!burst.running && !burst.pending && now - burst.lastStart >= timing.quietMs)
      return start(key, burst, payload, run);
    const merged = mergeEdits(burst.pending?.payload ?? null, payload);
    burst.pending = { payload: merged, run, first: burst.pending?.first ?? now, last: now };
    schedule(key, burst);
    return new Promise((resolve, reject) => burst.waiters.push({ resolve, reject }));
  };
}
