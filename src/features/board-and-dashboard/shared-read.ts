import type { BatchSnapshot } from "../../github/batch-progress-reader.js";
import type { ProgressSnapshot } from "../../github/progress-reader.js";
import type { RefreshResult, SharedBatchRead } from "../batch-tasks/run.js";

/**
 * One progress read shared by the batch issues' refresh and the board-and-dashboard refresh that follows it
 * (issue 17.4: one refresh read after the quality gate changes SPECs). Read at most once, when batch tasks ask for
 * it (under their lock); their writes are applied to it; the board and the dashboard then use it instead of reading
 * again, unless it no longer shows GitHub's state (`usable`).
 */
export class SharedProgressRead implements SharedBatchRead {
  private snapshot: { progress: ProgressSnapshot; batches: BatchSnapshot } | null = null;
  private pending: Promise<{ progress: ProgressSnapshot; batches: BatchSnapshot }> | null = null;
  private spoiled = false;

  /**
   * @param load the progress read (with the board), and its batch-tasks view (`readSharedProgress`)
   * @param stillFresh whether nothing else refreshed the board or the dashboard since `load` started (asked
   * when the read starts, answered when the refresh starts)
   * @param laterRefresh whether a refresh that started after batch tasks' writes has succeeded since, none running
   * (asked when the writes are applied, answered when the refresh starts)
   */
  constructor(
    private readonly load: () => Promise<{ progress: ProgressSnapshot; batches: BatchSnapshot }>,
    private readonly stillFresh: () => () => boolean,
    private readonly laterRefresh: () => () => boolean = () => () => false,
  ) {}

  private coveredBy: () => boolean = () => false;

  private fresh: () => boolean = () => false;

  private read(): Promise<{ progress: ProgressSnapshot; batches: BatchSnapshot }> {
    if (!this.pending) {
      this.fresh = this.stillFresh();
      this.pending = this.load().then((s) => {
        this.snapshot = s;
        return s;
      });
    }
    return this.pending;
  }

  /** Batch tasks' part: every batch issue and SPEC, from the one read (`BatchTasksPort.readShared`). */
  readonly batches = async (): Promise<BatchSnapshot> => {
    const first = !this.pending;
    const { batches } = await this.read();
    // Its requests are counted once, by whoever asked first.
    return { ...batches, requests: first ? batches.requests : 0 };
  };

  /**
   * What batch tasks wrote, applied to the snapshot: new bodies and metadata, completed batches closed. Any write
   * GitHub refused (or a lost lock) leaves the snapshot unusable: the refresh then reads again.
   */
  applyBatchWrites(result: RefreshResult): void {
    if (!this.snapshot) return;
    this.coveredBy = this.laterRefresh();
    if (result.failures.length) {
      this.spoiled = true;
      return;
    }
    const closed = new Set(result.completed.map((b) => b.number));
    for (const refreshed of result.batches) {
      const { body, meta } = refreshed.update;
      const state = closed.has(refreshed.number) ? ("CLOSED" as const) : undefined;
      const issue = this.snapshot.progress.batches.find((b) => b.number === refreshed.number);
      if (issue) Object.assign(issue, { body, meta }, state && { state });
      const batch = this.snapshot.batches.batches.get(refreshed.number);
      if (batch) Object.assign(batch, { body, meta }, state && { state });
    }
  }

  /**
   * Whether the refresh this read was for is done already: a refresh that started after batch tasks' writes (the
   * one `auto-next` asks for when it opens a batch) read everything they wrote, and succeeded. The board and the
   * dashboard then show it all, and reading again would only repeat that refresh.
   */
  covered(): boolean {
    return this.coveredBy();
  }

  /** The snapshot, when it was read, nothing spoiled it and nothing else refreshed progress since; else `null`. */
  usable(): ProgressSnapshot | null {
    if (!this.snapshot || this.spoiled || !this.fresh()) return null;
    return this.snapshot.progress;
  }
}
