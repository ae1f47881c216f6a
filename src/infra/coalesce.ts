/**
 * Folds bursts of the same work per key. While a run for a key is in progress, further calls don't start their
 * own: the latest of them runs once after it, and every caller waits for that. A burst of webhooks about one
 * repository (an assignment labels and opens dozens of issues) then costs two refreshes, not dozens; the last
 * one starts after the burst's last event, so it sees the final state.
 */
export class Coalescer {
  private runs = new Map<string, { done: Promise<void>; next: (() => Promise<void>) | null }>();

  run(key: string, job: () => Promise<void>): Promise<void> {
    const running = this.runs.get(key);
    if (running) {
      running.next = job;
      return running.done;
    }
    const entry: { done: Promise<void>; next: (() => Promise<void>) | null } = {
      done: Promise.resolve(),
      next: job,
    };
    entry.done = this.drain(key, entry);
    this.runs.set(key, entry);
    return entry.done;
  }

  private async drain(key: string, entry: { next: (() => Promise<void>) | null }): Promise<void> {
    // Let the caller register the run before the first job starts.
    await Promise.resolve();
    let failure: { error: unknown } | null = null;
    try {
      for (let job = entry.next; job; job = entry.next) {
        entry.next = null;
        try {
          await job();
          failure = null;
        } catch (error) {
          failure = { error };
        }
      }
    } finally {
      this.runs.delete(key);
    }
    // Only the last run's failure counts: a later run that succeeded has converged the state.
    if (failure) throw failure.error;
  }
}
