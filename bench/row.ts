/** One line of `npm run bench`'s table. */
export interface BenchRow {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}
