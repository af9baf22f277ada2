/**
 * Retries of `createTask` when Cloud Tasks' API is briefly unavailable (UNAVAILABLE) or slow
 * (DEADLINE_EXCEEDED). The client library never retries CreateTask: it is not idempotent, since a
 * try that timed out may still have created the task. Naming the task before the first try makes
 * it idempotent: a retry of a task that was in fact created gets ALREADY_EXISTS, which here means
 * "done", so no duplicate is ever made.
 *
 * The price (Google's note on task names): Cloud Tasks looks every named task up for
 * de-duplication, which adds latency to CreateTask, and sequential names (timestamps, counters)
 * add errors too. The names made here are random hex, which Google recommends; set
 * DEFERRED_ENQUEUE_ATTEMPTS=1 to send unnamed tasks and never retry instead.
 */
import { randomUUID } from 'node:crypto';
import { CloudTasksError, TaskAlreadyExistsError } from '../contract/errors.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { OPTION_DEFAULTS } from '../runtime/options.js';
import { log } from '../runtime/logger.js';
import { queuePath } from '../contract/names.js';
import { type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';

/** gRPC codes worth another try: the call failed before, or without telling whether, it took effect. */
const RETRYABLE = new Map<number, string>([
  [RPC_CODE.UNAVAILABLE, 'UNAVAILABLE'],
  [RPC_CODE.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'],
]);

export interface EnqueueRetryOptions {
  /** Tries in all, the first included; 1 = no retries and unnamed tasks. @default 4 (the enqueueAttempts option, DEFERRED_ENQUEUE_ATTEMPTS) */
  attempts: number;
  /** Wait before the second try; doubled for each later one, with full jitter. @default 100 */
  initialDelayMs: number;
  /** Cap of one wait. @default 2000 */
  maxDelayMs: number;
  /** How to wait (tests pass a fake). @default setTimeout */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_ENQUEUE_RETRY = {
  attempts: OPTION_DEFAULTS.enqueueAttempts,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
} satisfies EnqueueRetryOptions;

/**
 * A random task id: 32 hex digits (a v4 UUID's, 122 of them random), no sequential prefix (what
 * Google advises for named tasks). randomUUID draws from Node's cached entropy; randomBytes(16)
 * called the kernel once per task, ~5 us each, which a fan-out of 10,000 tasks felt.
 */
export function randomTaskId(): string {
  return randomUUID().replaceAll('-', '');
}

/** The gRPC code of an error worth another try (UNAVAILABLE, DEADLINE_EXCEEDED), else undefined. */
export const retryableCode = (error: unknown) =>
  error instanceof CloudTasksError && error.code !== undefined && RETRYABLE.has(error.code) ? error.code : undefined;

/** The code's name, for messages. */
export const retryableName = (code: number) => RETRYABLE.get(code) ?? String(code);

/** How long to wait after try `tryNumber` failed: doubling from the initial delay, capped, with full jitter. */
export function retryDelay(
  tryNumber: number,
  { initialDelayMs, maxDelayMs }: Pick<EnqueueRetryOptions, 'initialDelayMs' | 'maxDelayMs'>,
): number {
  return Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** (tryNumber - 1));
}

/** The error once every try of `request` was answered UNAVAILABLE or DEADLINE_EXCEEDED. */
export function exhausted(request: CreateTaskRequest, tries: number, startedAt: number, last: CloudTasksError): CloudTasksError {
  const name = `${queuePath(request)}/tasks/${request.taskId}`;
  return new CloudTasksError(
    last.code,
    `Cloud Tasks answered ${RETRYABLE.get(last.code!)} to all ${tries} tries over ${Date.now() - startedAt} ms to create ${name}. ` +
      `The task was probably not created; a try that timed out may have created it. Every try used that name, so deferring again with ` +
      `{ name: '${request.taskId}' } cannot make a duplicate (or check: gcloud tasks describe ${request.taskId} --queue ${request.queue} --location ${request.location}). ` +
      `If this persists, check https://status.cloud.google.com and the app's network egress. Last error: ${last.message}`,
    { cause: last },
  );
}

/** Wraps a transport so that UNAVAILABLE and DEADLINE_EXCEEDED are retried without duplicates (its batches: batch-retry.ts). */
export function withEnqueueRetries(transport: TaskTransport, options: Partial<EnqueueRetryOptions> = {}): TaskTransport {
  const settings = { ...DEFAULT_ENQUEUE_RETRY, ...options };
  const { attempts, sleep } = settings;
  if (attempts <= 1) return transport;
  return {
    // Not retried: a retry after a try that deleted the task would answer NOT_FOUND, i.e. `false`.
    ...(transport.deleteTask ? { deleteTask: (name: string) => transport.deleteTask!(name) } : {}),
    async createTask(input: CreateTaskRequest): Promise<CreatedTask> {
      // The name is chosen once, before the first try: it is what makes a retry safe.
      const request = { ...input, taskId: input.taskId ?? randomTaskId() };
      const startedAt = Date.now();
      for (let tryNumber = 1; ; tryNumber++) {
        try {
          return await transport.createTask(request);
        } catch (error) {
          // A retry that finds the task: an earlier try created it after all.
          if (error instanceof TaskAlreadyExistsError && tryNumber > 1) return { name: `${queuePath(request)}/tasks/${request.taskId}` };
          const code = retryableCode(error);
          if (code === undefined) throw error;
          if (tryNumber >= attempts) throw exhausted(request, tryNumber, startedAt, error as CloudTasksError);
          const delay = retryDelay(tryNumber, settings);
          log(
            'WARNING',
            `Cloud Tasks answered ${RETRYABLE.get(code)} creating ${request.taskId} in ${request.queue}; try ${tryNumber + 1} of ${attempts} in ${Math.round(delay)} ms`,
          );
          await sleep(delay);
        }
      }
    },
  };
}
