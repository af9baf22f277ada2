/**
 * `deferMany(fn, calls)`: many tasks of one function, in Cloud Tasks' BatchCreateTasks calls of up
 * to 100 tasks of one queue (App Engine's `Queue.add(tasks)`).
 *
 * 1. Every call is checked as `defer()` checks it (the same buildTask), before any network call:
 *    one refused call refuses them all, naming its index. What the check keeps is the batch plan
 *    (each call's queue and size), not the tasks: they are built again when their batch goes,
 *    without the checks they already passed. Building is synchronous and plain data skips
 *    superjson's walk (contract/plain-json.ts), so building twice costs ~5 us a task.
 * 2. Batches go `parallelism` at a time, each built just before it is sent, its big payloads
 *    offloaded then: the requests and bodies in memory are bounded by the parallelism, whatever
 *    the length of the list.
 * 3. Each batch has a request id, and its tasks names, before its first try: a retry (batch-retry.ts)
 *    creates nothing twice. Where batches are not served (a transport without them, an endpoint
 *    that answers UNIMPLEMENTED or NOT_FOUND), that queue's tasks are created one by one, in parallel.
 */
import { randomUUID } from 'node:crypto';
import { CloudTasksError } from '../contract/errors.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { BATCH_LIMITS } from '../contract/limits.js';
import type { CreateTaskOutcome, CreateTaskRequest, TaskTransport } from '../contract/transport.js';
import type { EnqueueConfig } from '../runtime/config.js';
import type { DeferrableFunction } from '../runtime/registry.js';
import type { CarriedArgs } from '../contract/carried.js';
import { traceparentForTask } from '../runtime/trace.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import { readCalls, type DeferManyCall, type DeferManyOptions } from './defer-many-calls.js';
import { enqueueRuntime } from './defer.js';
import { DeferManyError, InvalidCallError, type DeferManyItem, type DeferManyResult } from './fan-out-results.js';
import { inParallel } from './in-parallel.js';
import { batchesUnavailable } from './batch-retry.js';
import {
  announceTask,
  buildTask,
  forgetPayload,
  usesAmbientTrace,
  writePayload,
  type PrepareContext,
  type PreparedTask,
  type TaskCall,
} from './prepare-task.js';

/** One BatchCreateTasks call to make: calls of one queue, by their index. */
interface PlannedBatch {
  queue: string;
  indexes: number[];
}

/** Checks every call (as defer() would) and groups them into batches: at most 100 tasks and 8 MiB of one queue each. */
function planBatches(calls: readonly TaskCall[], context: PrepareContext, ambient: string | undefined): PlannedBatch[] {
  const batches: PlannedBatch[] = [];
  const open = new Map<string, PlannedBatch & { bytes: number }>();
  for (let index = 0; index < calls.length; index++) {
    let task: PreparedTask;
    try {
      task = buildTask(calls[index], context, ambient);
    } catch (error) {
      throw new InvalidCallError(index, error);
    }
    const { queue } = task.request;
    let batch = open.get(queue);
    if (batch && batch.bytes + task.size > BATCH_LIMITS.createBytes) batch = undefined;
    if (!batch) open.set(queue, (batch = { queue, indexes: [], bytes: 0 }));
    batch.indexes.push(index);
    batch.bytes += task.size;
    if (batch.indexes.length === BATCH_LIMITS.createTasks) open.delete(queue);
    if (batch.indexes.length === 1) batches.push(batch);
  }
  return batches.map(({ queue, indexes }) => ({ queue, indexes }));
}

const attempt = (transport: TaskTransport, request: CreateTaskRequest): Promise<CreateTaskOutcome> =>
  transport.createTask(request).catch((error: Error) => ({ error }));

/**
 * Each task on its own, in parallel (the batch's size bounds how many at once): the same outcomes
 * as a batch. The first goes alone: when its queue does not exist (NOT_FOUND), the others, and the
 * queue's later batches, fail with its error without a request each.
 */
async function createEach(run: FanOut, queue: string, requests: readonly CreateTaskRequest[]): Promise<CreateTaskOutcome[]> {
  const first = await attempt(run.transport, requests[0]);
  if ('error' in first && first.error instanceof CloudTasksError && first.error.code === RPC_CODE.NOT_FOUND) {
    run.missingQueues.set(queue, first.error);
    return requests.map(() => first);
  }
  return [first, ...(await Promise.all(requests.slice(1).map((request) => attempt(run.transport, request))))];
}

interface FanOut {
  calls: readonly TaskCall[];
  transport: TaskTransport;
  config: EnqueueConfig;
  context: PrepareContext;
  /** The calling request's traceparent, read once for the whole fan-out. */
  ambient: string | undefined;
  items: DeferManyItem[];
  /** Queues whose batches the endpoint does not serve: their tasks go one by one. */
  unbatched: Set<string>;
  /** Queues Cloud Tasks said do not exist, with its error: their calls fail without a request. */
  missingQueues: Map<string, Error>;
}

/** Builds the batch's tasks (offloading big payloads), sends them, and records each call's outcome; never throws. */
async function sendBatch(batch: PlannedBatch, run: FanOut): Promise<void> {
  const { transport, config, items } = run;
  const ready: { index: number; task: PreparedTask }[] = [];
  for (const index of batch.indexes) {
    try {
      const task = buildTask(run.calls[index], run.context, run.ambient);
      if (task.offload) await writePayload(task, config);
      ready.push({ index, task });
    } catch (error) {
      items[index] = { ok: false, error: error as Error };
    }
  }
  if (!ready.length) return;
  const requests = ready.map(({ task }) => task.request);
  const missing = run.missingQueues.get(batch.queue);
  let outcomes: CreateTaskOutcome[];
  if (missing) outcomes = requests.map(() => ({ error: missing }));
  else if (transport.createTasks && !run.unbatched.has(batch.queue)) {
    try {
      outcomes = await transport.createTasks(requests, { requestId: randomUUID() });
    } catch (error) {
      if (!batchesUnavailable(error)) outcomes = requests.map(() => ({ error: error as Error }));
      else {
        run.unbatched.add(batch.queue);
        outcomes = await createEach(run, batch.queue, requests);
      }
    }
  } else outcomes = await createEach(run, batch.queue, requests);
  for (const [at, { index, task }] of ready.entries()) {
    const outcome = outcomes[at];
    if ('name' in outcome) {
      items[index] = { ok: true, taskName: outcome.name };
      announceTask(task, outcome.name);
    } else {
      items[index] = { ok: false, error: outcome.error };
      if (task.offload) await forgetPayload(task, config);
    }
  }
}

/**
 * Runs `fn` once per call, later, each in a Cloud Task of its own (App Engine's
 * `Queue.add(tasks)`), creating them 100 at a time with Cloud Tasks' BatchCreateTasks.
 *
 * `calls` is a list (or any iterable, read once) whose items are an argument list, typed against
 * `fn` as in `defer`, or `{ args, options }` with that call's own `DeferOptions` (a `name`, a
 * `countdown`); `options` apply to every call (theirs win, field by field), plus `parallelism`.
 * Every call is checked before anything is sent: one that `defer` would refuse makes it throw an
 * `InvalidCallError` naming its index, and no task is made.
 *
 * Resolves when every call made a task, with the task names in call order. Cloud Tasks' batches
 * are not atomic: when some calls made no task (after defer()'s retries), it rejects with a
 * `DeferManyError` whose `result` says, per call, the task's name or the error.
 */
export async function deferMany<Args extends unknown[]>(
  fn: DeferrableFunction<Args>,
  calls: Iterable<DeferManyCall<NoInfer<CarriedArgs<Args>>>>,
  options: DeferManyOptions = {},
): Promise<DeferManyResult> {
  if (typeof fn !== 'function' || typeof fn.deferredId !== 'string') {
    throw new TypeError('deferMany() takes a function made with deferrable(id, fn) and listed in the manifest');
  }
  const { calls: list, parallelism } = readCalls(fn.deferredId, calls, options);
  const { transport, config } = enqueueRuntime();
  // The calling request's trace, read once for the whole fan-out (and only if a call uses it).
  const ambient = list.some((call) => usesAmbientTrace(call.options)) ? await traceparentForTask({}) : undefined;
  // queue.yaml as it is now, for every call: one fan-out sees one version of it.
  const context: PrepareContext = { config, queues: queueCatalog() };
  const batches = planBatches(list, context, ambient);
  const run: FanOut = {
    calls: list,
    transport,
    config,
    // planBatches checked every call: the second build of each skips the checks.
    context: { ...context, checked: true },
    ambient,
    items: new Array(list.length),
    unbatched: new Set(),
    missingQueues: new Map(),
  };
  await inParallel(batches, parallelism, (batch) => sendBatch(batch, run));
  const created = run.items.filter((item) => item.ok).length;
  const result: DeferManyResult = { items: run.items, created, failed: list.length - created };
  if (result.failed) throw new DeferManyError(result);
  return result;
}
