/**
 * One call's way to a task, the same for `defer()` and each call of `deferMany()`: its options,
 * its queue (it must be in queue.yaml), its own retry settings, the envelope, the task's size and
 * headers, and for an envelope too big for a task, the object it will be kept in. Every check
 * runs here, before any network call, so both entry points refuse the same calls the same way
 * (a per-call check added later belongs here too). Writing the offloaded envelope and creating
 * the task are the callers'.
 */
import { encodeEnvelope, type EnvelopeMeta } from '../contract/envelope.js';
import { PayloadTooLargeError } from '../contract/errors.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import type { CreateTaskRequest } from '../contract/transport.js';
import type { EnqueueConfig } from '../runtime/config.js';
import { emitTaskEvent } from '../runtime/events.js';
import { queueCatalog, type QueueCatalog } from '../runtime/queue-catalog.js';
import { envelopeSerializer } from '../runtime/class-registry.js';
import { checkDeferCall } from './check-call.js';
import { currentSettings } from '../runtime/settings.js';
import { traceparentForTask, validTraceparent } from '../runtime/trace.js';
import { forgetOffload, offloadEnvelope, planOffload, type OffloadedEnvelope } from './offload-payload.js';
import { resolveTaskOptions, type DeferOptions } from './task-options.js';
import { resolveTaskRetry } from './task-retry.js';

/** One call of a deferrable function: what `defer(fn, args, options)` is given. */
export interface TaskCall {
  functionId: string;
  args: unknown[];
  options: DeferOptions;
}

/** A call checked and built, ready for a transport. */
export interface PreparedTask {
  request: CreateTaskRequest;
  functionId: string;
  /** What the task counts against Cloud Tasks' size limit: body, URL and headers, in bytes. */
  size: number;
  /** The envelope's object in the bucket, when it is too big for the task: `writePayload` writes it before the task is made. */
  offload?: OffloadedEnvelope;
}

export interface PrepareContext {
  config: EnqueueConfig;
  /**
   * queue.yaml's queues, read once by the caller: reading them stats the file (queue.yaml is
   * reloaded when it changes), which at four reads a call was deferMany's biggest cost.
   */
  queues?: QueueCatalog;
  /**
   * The calls were all checked by an earlier buildTask of this context (deferMany's first
   * pass, before any network call): building a task again skips checkDeferCall's walk.
   */
  checked?: boolean;
}

function sizeOf(body: Uint8Array, url: string, headers: Record<string, string>): number {
  let size = body.byteLength + Buffer.byteLength(url);
  for (const [key, value] of Object.entries(headers)) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size;
}

/** The trace a call's task carries when it sets none of its own: the calling request's, read by the caller. */
export function usesAmbientTrace(options: DeferOptions): boolean {
  // Options that are not an object are resolveTaskOptions' to refuse, with the error that says so.
  return typeof options === 'object' && options !== null && options.traceparent === undefined && !hasTraceHeader(options.headers ?? {});
}

const hasTraceHeader = (headers: Record<string, string>) => Object.keys(headers).some((key) => key.toLowerCase() === 'traceparent');

/** The caller's trace rides on the task (unless its own headers set one), so the handler's logs show under the request that deferred it. */
function traceparentOf(options: DeferOptions, headers: Record<string, string>, ambient: string | undefined): string | undefined {
  if (hasTraceHeader(headers) || options.traceparent === false) return undefined;
  return options.traceparent !== undefined ? validTraceparent(options.traceparent) : ambient;
}

/**
 * Checks one call and builds its task, without any network call or await; throws what `defer()`
 * throws for it. `ambient`: the calling request's traceparent, for a call that `usesAmbientTrace`.
 * Synchronous, so a fan-out's thousands of calls cost no promise each (under Next.js, every
 * promise also carries the request's async context).
 */
export function buildTask({ functionId, args, options }: TaskCall, context: PrepareContext, ambient: string | undefined): PreparedTask {
  const { config } = context;
  const now = Date.now();
  const task = resolveTaskOptions(options, functionId, now);
  // The function (in the manifest), the queue (in queue.yaml, not a dead-letter queue), each argument (it travels).
  const queues = context.queues ?? queueCatalog();
  if (!context.checked) checkDeferCall(functionId, args, task.queue, queues);
  const retry = resolveTaskRetry(options.retry, queues.get(task.queue)!.retryConfig);

  const meta: EnvelopeMeta & { enqueuedAt: number } = { enqueuedAt: now, scheduledAt: task.scheduleTime?.getTime(), retry };
  let body: Uint8Array = encodeEnvelope(functionId, args, meta, envelopeSerializer());
  const url = config.serviceUrl + task.path;
  const traceparent = traceparentOf(options, task.headers, ambient);
  // The body is JSON: Cloud Tasks sets no Content-Type of its own.
  const headers = { ...task.headers, ...(traceparent ? { traceparent } : {}), 'Content-Type': 'application/json' };
  let size = sizeOf(body, url, headers);
  let offload: OffloadedEnvelope | undefined;
  if (size > currentSettings().payloadOffloadBytes || size > MAX_TASK_BYTES) {
    if (!config.payloadStorage) {
      if (size > MAX_TASK_BYTES) throw new PayloadTooLargeError(functionId, size, MAX_TASK_BYTES);
    } else {
      // Too big for the task (or past DEFERRED_PAYLOAD_OFFLOAD_BYTES): the envelope goes to Cloud Storage.
      offload = planOffload(functionId, body, config.payloadStorage, meta);
      body = offload.body;
      size = sizeOf(body, url, headers);
      if (size > MAX_TASK_BYTES) throw new PayloadTooLargeError(functionId, size, MAX_TASK_BYTES);
    }
  }
  const request: CreateTaskRequest = {
    project: config.project,
    location: config.location,
    queue: task.queue,
    taskId: task.taskId,
    url,
    headers,
    body,
    scheduleTime: task.scheduleTime,
    dispatchDeadlineSeconds: task.dispatchDeadlineSeconds,
    // The audience is explicit: Cloud Tasks' default (the full URL) breaks on query strings.
    oidcToken: { serviceAccountEmail: config.serviceAccountEmail, audience: config.audience },
    ...(retry ? { retry } : {}),
  };
  return { request, functionId, size, ...(offload ? { offload } : {}) };
}

/** `buildTask` with the calling request's trace read first, when the call uses it: defer()'s way. */
export async function prepareTask(call: TaskCall, context: PrepareContext): Promise<PreparedTask> {
  return buildTask(call, context, usesAmbientTrace(call.options) ? await traceparentForTask({}) : undefined);
}

/** Writes an offloaded envelope to the bucket (nothing to do for a task that carries its own). */
export async function writePayload(task: PreparedTask, config: EnqueueConfig): Promise<void> {
  if (task.offload && config.payloadStorage) await offloadEnvelope(task.offload, config.payloadStorage);
}

/** The task was not created: its offloaded envelope, which no task will read, is deleted (best effort). */
export async function forgetPayload(task: PreparedTask, config: EnqueueConfig): Promise<void> {
  if (task.offload && config.payloadStorage) await forgetOffload(task.offload.ref, config.payloadStorage);
}

/** `task:enqueued`, once the task exists. */
export function announceTask(task: PreparedTask, taskName: string): void {
  const { request, functionId } = task;
  emitTaskEvent('task:enqueued', { functionId, queue: request.queue, taskName, scheduleTime: request.scheduleTime });
}
