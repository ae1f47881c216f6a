/** One figure of `npm run bench`: a row of bench/results.md. */
export interface BenchRow {
  name: string;
  value: number | string;
  /** What the figure should be, as text (`0`, `≤ 250 ms`). */
  target?: string;
  /** Whether the value meets the target. */
  ok?: boolean;
}
