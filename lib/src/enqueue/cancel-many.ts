import { randomUUID } from 'node:crypto';
import { InvalidTaskOptionsError } from '../contract/errors.js';
import { BATCH_LIMITS } from '../contract/limits.js';
import { parseTaskName, queuePath } from '../contract/names.js';
import type { DeleteTaskOutcome, TaskTransport } from '../contract/transport.js';
import { enqueueRuntime } from './defer.js';
import { CancelManyError, type CancelManyItem, type CancelManyResult } from './fan-out-results.js';
import { inParallel, readParallelism } from './in-parallel.js';
import { batchesUnavailable } from './batch-retry.js';

export interface CancelManyOptions {
  /** How many BatchDeleteTasks calls (of up to 1,000 names each) are in flight at once. @default 10 (DEFAULT_PARALLELISM) */
  parallelism?: number;
}

/** Deletes done one by one, where batches are not served: this many at once. */
const ONE_BY_ONE = 100;

/** The names grouped by queue, at most 1,000 a batch (a batch is one queue's: BatchDeleteTasks' rule). */
function planDeletes(names: readonly string[]): { parent: string; indexes: number[] }[] {
  const batches: { parent: string; indexes: number[] }[] = [];
  const open = new Map<string, { parent: string; indexes: number[] }>();
  names.forEach((name, index) => {
    const parts = parseTaskName(name);
    if (!parts) {
      throw new InvalidTaskOptionsError(
        'names',
        `cancelMany() takes tasks' full names, projects/P/locations/L/queues/Q/tasks/T (what defer() returns); name ${index} is ${JSON.stringify(name)}, so nothing was deleted`,
      );
    }
    const parent = queuePath(parts);
    let batch = open.get(parent);
    if (!batch) {
      open.set(parent, (batch = { parent, indexes: [] }));
      batches.push(batch);
    }
    batch.indexes.push(index);
    if (batch.indexes.length === BATCH_LIMITS.deleteNames) open.delete(parent);
  });
  return batches;
}

async function deleteEach(transport: TaskTransport, names: readonly string[]): Promise<DeleteTaskOutcome[]> {
  const outcomes: DeleteTaskOutcome[] = new Array(names.length);
  await inParallel([...names.keys()], ONE_BY_ONE, async (at) => {
    outcomes[at] = await transport.deleteTask!(names[at]).then(
      (deleted) => ({ deleted }),
      (error: Error) => ({ error }),
    );
  });
  return outcomes;
}

/**
 * Deletes many tasks that have not run yet (App Engine's `Queue.delete_tasks(tasks)`), 1,000 at a
 * time per queue with Cloud Tasks' BatchDeleteTasks; `names` are what `defer` and `deferMany`
 * returned. Resolves with each name's outcome, in order: `deleted`, or `gone` (it already ran, or
 * was deleted: Cloud Tasks answers NOT_FOUND for both). When some could not be deleted (a missing
 * role, after defer()'s retries), rejects with a `CancelManyError` whose `result` has every
 * name's outcome. A name that is not a task's full name refuses the call before any is deleted.
 */
export async function cancelMany(names: Iterable<string>, options: CancelManyOptions = {}): Promise<CancelManyResult> {
  const list = [...names];
  const parallelism = readParallelism(options.parallelism, 'cancelMany()');
  const batches = planDeletes(list);
  const { transport } = enqueueRuntime();
  if (!transport.deleteTasks && !transport.deleteTask) {
    throw new TypeError(
      'the task transport in use (the transport option) has no deleteTasks(names) or deleteTask(name), so cancelMany() cannot delete tasks with it',
    );
  }
  const items: CancelManyItem[] = new Array(list.length);
  const unbatched = new Set<string>();
  await inParallel(batches, parallelism, async ({ parent, indexes }) => {
    const batch = indexes.map((index) => list[index]);
    let outcomes: DeleteTaskOutcome[];
    if (transport.deleteTasks && !unbatched.has(parent)) {
      try {
        outcomes = await transport.deleteTasks(batch, { requestId: randomUUID() });
      } catch (error) {
        if (!batchesUnavailable(error) || !transport.deleteTask) outcomes = batch.map(() => ({ error: error as Error }));
        else {
          unbatched.add(parent);
          outcomes = await deleteEach(transport, batch);
        }
      }
    } else outcomes = await deleteEach(transport, batch);
    outcomes.forEach((outcome, at) => {
      const name = batch[at];
      items[indexes[at]] =
        'error' in outcome ? { name, outcome: 'failed', error: outcome.error } : { name, outcome: outcome.deleted ? 'deleted' : 'gone' };
    });
  });
  const count = (outcome: CancelManyItem['outcome']) => items.filter((item) => item.outcome === outcome).length;
  const result: CancelManyResult = { items, deleted: count('deleted'), gone: count('gone'), failed: count('failed') };
  if (result.failed) throw new CancelManyError(result);
  return result;
}
