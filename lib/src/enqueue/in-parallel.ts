import { InvalidTaskOptionsError } from '../contract/errors.js';

/**
 * Runs `work` over `items`, at most `limit` at a time, in order of start: what keeps a fan-out's
 * requests in flight (and their bodies in memory) bounded by the limit, not by the list.
 * `work` handles its own errors; one that escapes rejects the whole run once the others end.
 */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** How many batch calls may be in flight at once, unless told otherwise. */
export const DEFAULT_PARALLELISM = 10;
const MAX_PARALLELISM = 100;

/** The `parallelism` option checked: a whole number from 1 to 100. */
export function readParallelism(value: unknown, caller: string): number {
  if (value === undefined) return DEFAULT_PARALLELISM;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PARALLELISM) return value;
  throw new InvalidTaskOptionsError(
    'parallelism',
    `${caller}: parallelism must be a whole number from 1 to ${MAX_PARALLELISM} (batch calls in flight at once), got ${String(value)}`,
  );
}
