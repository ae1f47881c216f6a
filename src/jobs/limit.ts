/**
 * Calls `fn` for every item with at most `limit` calls running at once, in order of the items. Written here
 * rather than taken from p-limit: it is this one loop, and the jobs need nothing else from such a library.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
