/**
 * Retries of BatchCreateTasks and BatchDeleteTasks, under `defer()`'s policy (enqueue-retry.ts):
 * the same codes (UNAVAILABLE, DEADLINE_EXCEEDED), tries and waits.
 *
 * - A call that failed as a whole is sent again with the same request id: Cloud Tasks answers a
 *   batch it already ran with that run's operation, so nothing is made (or deleted) twice.
 * - Items that failed on their own with one of those codes are sent again, alone, in a batch of
 *   their own (a new request id); the others keep their outcome.
 * - Tasks are named before the first try, so an item that failed that way and then finds its
 *   name taken (ALREADY_EXISTS) was created by the earlier try: it counts as created, never twice.
 */
import { randomUUID } from 'node:crypto';
import { CloudTasksError, TaskAlreadyExistsError } from '../contract/errors.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { queuePath } from '../contract/names.js';
import type { BatchCall, CreateTaskOutcome, CreateTaskRequest, DeleteTaskOutcome, TaskTransport } from '../contract/transport.js';
import { log } from '../runtime/logger.js';
import {
  DEFAULT_ENQUEUE_RETRY,
  exhausted,
  randomTaskId,
  retryableCode,
  retryableName,
  retryDelay,
  withEnqueueRetries,
  type EnqueueRetryOptions,
} from './enqueue-retry.js';

/** How one kind of batch reads its items' outcomes. */
interface BatchKind<Item, Outcome> {
  /** For messages: "BatchCreateTasks of 100 tasks in projects/.../queues/q". */
  describe(items: readonly Item[]): string;
  errorOf(outcome: Outcome): Error | undefined;
  /** What an item's error means on a retry, after an earlier try of it failed retryably (undefined: as it says). */
  afterRetry?(item: Item, error: Error): Outcome | undefined;
  /** The outcome once every try of the item failed retryably. */
  givenUp(item: Item, tries: number, startedAt: number, last: CloudTasksError): Outcome;
}

async function sendWithRetries<Item, Outcome>(
  items: readonly Item[],
  call: BatchCall,
  send: (items: Item[], call: BatchCall) => Promise<Outcome[]>,
  kind: BatchKind<Item, Outcome>,
  settings: EnqueueRetryOptions,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const retried = new Set<number>();
  const startedAt = Date.now();
  let pending = items.map((_, index) => index);
  let requestId = call.requestId;
  for (let tryNumber = 1; ; tryNumber++) {
    const batch = pending.map((index) => items[index]);
    let answer: Outcome[] | undefined;
    try {
      answer = await send(batch, { requestId });
    } catch (error) {
      const code = retryableCode(error);
      if (code === undefined) throw error;
      if (tryNumber >= settings.attempts)
        throw batchExhausted(kind.describe(batch), requestId, tryNumber, startedAt, error as CloudTasksError);
      for (const index of pending) retried.add(index);
    }
    const again: number[] = [];
    pending.forEach((index, at) => {
      if (!answer) return again.push(index);
      const outcome = answer[at];
      const error = kind.errorOf(outcome);
      const settled = error && retried.has(index) ? kind.afterRetry?.(items[index], error) : undefined;
      if (!error || settled) return (outcomes[index] = settled ?? outcome);
      if (retryableCode(error) === undefined) return (outcomes[index] = outcome);
      if (tryNumber >= settings.attempts)
        return (outcomes[index] = kind.givenUp(items[index], tryNumber, startedAt, error as CloudTasksError));
      retried.add(index);
      again.push(index);
    });
    if (!again.length) return outcomes;
    // A whole call that failed is sent again as it was; items that failed alone go in a batch of their own.
    if (answer) requestId = randomUUID();
    pending = again;
    const delay = retryDelay(tryNumber, settings);
    const what = answer ? `${again.length} item(s) of ${kind.describe(batch)}` : kind.describe(batch);
    log(
      'WARNING',
      `Cloud Tasks answered UNAVAILABLE or DEADLINE_EXCEEDED to ${what}; try ${tryNumber + 1} of ${settings.attempts} in ${Math.round(delay)} ms`,
    );
    await settings.sleep(delay);
  }
}

function batchExhausted(what: string, requestId: string, tries: number, startedAt: number, last: CloudTasksError): CloudTasksError {
  return new CloudTasksError(
    last.code,
    `Cloud Tasks answered ${retryableName(last.code!)} to all ${tries} tries over ${Date.now() - startedAt} ms of ${what} (request id ${requestId}). ` +
      `It probably did not run; a try that timed out may have. If this persists, check https://status.cloud.google.com and the app's network egress. Last error: ${last.message}`,
    { cause: last },
  );
}

const CREATE: BatchKind<CreateTaskRequest, CreateTaskOutcome> = {
  describe: (requests) => `BatchCreateTasks of ${requests.length} task(s) in ${queuePath(requests[0])}`,
  errorOf: (outcome) => ('error' in outcome ? outcome.error : undefined),
  // A retry that finds the name taken: an earlier try created the task after all.
  afterRetry: (request, error) =>
    error instanceof TaskAlreadyExistsError ? { name: `${queuePath(request)}/tasks/${request.taskId}` } : undefined,
  givenUp: (request, tries, startedAt, last) => ({ error: exhausted(request, tries, startedAt, last) }),
};

const DELETE: BatchKind<string, DeleteTaskOutcome> = {
  describe: (names) => `BatchDeleteTasks of ${names.length} task(s) in ${names[0].slice(0, names[0].lastIndexOf('/tasks/'))}`,
  errorOf: (outcome) => ('error' in outcome ? outcome.error : undefined),
  givenUp: (name, tries, _startedAt, last) => ({
    error: new CloudTasksError(
      last.code,
      `Cloud Tasks answered ${retryableName(last.code!)} to all ${tries} tries to delete ${name}: it may still be queued. Last error: ${last.message}`,
      { cause: last },
    ),
  }),
};

/**
 * Whether a batch call's error says batches are not served here: an endpoint without them answers
 * UNIMPLEMENTED (or, for a path it does not know, NOT_FOUND); the tasks then go one by one.
 */
export const batchesUnavailable = (error: unknown) =>
  error instanceof CloudTasksError && (error.code === RPC_CODE.UNIMPLEMENTED || error.code === RPC_CODE.NOT_FOUND);

/** The batches of `transport`, retried as defer()'s CreateTask is; an empty object for a transport without them. */
export function withBatchRetries(
  transport: TaskTransport,
  options: Partial<EnqueueRetryOptions> = {},
): Pick<TaskTransport, 'createTasks' | 'deleteTasks'> {
  const settings = { ...DEFAULT_ENQUEUE_RETRY, ...options };
  const { createTasks, deleteTasks } = transport;
  if (settings.attempts <= 1) return { createTasks: createTasks?.bind(transport), deleteTasks: deleteTasks?.bind(transport) };
  return {
    ...(createTasks && {
      // Named once, before the first try: what makes a retry safe.
      createTasks: (input, call) => {
        const requests = input.map((request) => ({ ...request, taskId: request.taskId ?? randomTaskId() }));
        return sendWithRetries(requests, call, (batch, again) => createTasks.call(transport, batch, again), CREATE, settings);
      },
    }),
    ...(deleteTasks && {
      deleteTasks: (names, call) =>
        sendWithRetries(names, call, (batch, again) => deleteTasks.call(transport, batch, again), DELETE, settings),
    }),
  };
}

/** Every call of `transport` retried under defer()'s policy: CreateTask (enqueue-retry.ts) and the batches. */
export function withTransportRetries(transport: TaskTransport, options: Partial<EnqueueRetryOptions> = {}): TaskTransport {
  return { ...withEnqueueRetries(transport, options), ...withBatchRetries(transport, options) };
}
