import { createCloudTasksTransport, loadCloudTasksClient } from './cloud-tasks-transport.js';
import type { EnqueueConfig, PayloadStorageConfig } from '../runtime/config.js';
import { currentOptions } from '../runtime/options-state.js';
import { builtFromSettings, currentSettings, enqueueConfig } from '../runtime/settings.js';
import { withEnqueueRetries } from './enqueue-retry.js';
import { offloadEnvelope } from './offload-payload.js';
import { encodeEnvelope } from '../contract/envelope.js';
import { PayloadTooLargeError, UnknownQueueError } from '../contract/errors.js';
import { emitTaskEvent } from '../runtime/events.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import type { DeferrableFunction } from '../runtime/registry.js';
import { resolveTaskOptions, type DeferOptions } from './task-options.js';
import { traceparentForTask } from '../runtime/trace.js';
import type { CreateTaskRequest, CreatedTask, TaskTransport } from '../contract/transport.js';
import type { PayloadReference } from '../contract/envelope.js';
import { payloadStoreFor } from '../runtime/payload-store.js';

/** Where and as what tasks are created. */
interface EnqueueRuntime {
  transport: TaskTransport;
  config: EnqueueConfig;
}

/**
 * Where and as what `defer` creates tasks now (the dead-letter sink creates its tasks the same
 * way): the `transport` option (the jest stub's, once installed), else Cloud Tasks, or the
 * emulator at `emulatorHost`, through one client per process.
 */
export function enqueueRuntime(): EnqueueRuntime {
  const config = enqueueConfig();
  const transport =
    currentOptions().transport ??
    // UNAVAILABLE / DEADLINE_EXCEEDED are retried under a name chosen before the first try (enqueue-retry.ts).
    builtFromSettings('cloud-transport', (settings) =>
      withEnqueueRetries(createCloudTasksTransport({ emulatorHost: config.emulatorHost }), { attempts: settings.enqueueAttempts }),
    );
  return { transport, config };
}

/**
 * Loads and builds the Cloud Tasks client that defer() will use, without a network call
 * (registerDeferred, at start). Nothing to load for a `transport` of the app's own; a
 * configuration problem is left for defer() to report, with the error that names the fix.
 */
export async function loadEnqueueClient(): Promise<void> {
  if (currentOptions().transport) return;
  let config: EnqueueConfig;
  try {
    config = enqueueConfig();
  } catch {
    return;
  }
  await loadCloudTasksClient(config.emulatorHost);
}

/** Creates the task; when that fails, an offloaded payload no task will read is deleted (best effort: the bucket's lifecycle rule is the backstop). */
async function createOrForget(
  transport: TaskTransport,
  ref: PayloadReference | undefined,
  storage: PayloadStorageConfig | undefined,
  request: CreateTaskRequest,
): Promise<CreatedTask> {
  try {
    return await transport.createTask(request);
  } catch (error) {
    if (ref && storage) await (await payloadStoreFor(storage)).delete(ref.bucket, ref.object).catch(() => undefined);
    throw error;
  }
}

function sizeOf(body: Uint8Array, url: string, headers: Record<string, string>): number {
  let size = body.byteLength + Buffer.byteLength(url);
  for (const [key, value] of Object.entries(headers)) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size;
}

/** defer()'s work once its function is checked: options, queue, envelope, size, then the task. */
async function enqueueTask(functionId: string, args: unknown[], options: DeferOptions): Promise<string> {
  const { transport, config } = enqueueRuntime();
  const now = Date.now();
  const task = resolveTaskOptions(options, functionId, now);
  const queues = queueCatalog();
  if (!queues.get(task.queue)) throw new UnknownQueueError(task.queue, [...queues.names], queues.file);

  const times = { enqueuedAt: now, scheduledAt: task.scheduleTime?.getTime() };
  let body: Uint8Array = encodeEnvelope(functionId, args, times);
  const url = config.serviceUrl + task.path;
  // The caller's trace rides on the task (unless its own headers set one), so the handler's logs
  // show under the request that deferred it.
  const hasOwnTrace = Object.keys(task.headers).some((key) => key.toLowerCase() === 'traceparent');
  const traceparent = hasOwnTrace ? undefined : await traceparentForTask(options);
  // The body is JSON: Cloud Tasks sets no Content-Type of its own.
  const headers = { ...task.headers, ...(traceparent ? { traceparent } : {}), 'Content-Type': 'application/json' };
  const size = sizeOf(body, url, headers);
  let offloaded: Awaited<ReturnType<typeof offloadEnvelope>> | undefined;
  if (size > currentSettings().payloadOffloadBytes || size > MAX_TASK_BYTES) {
    if (!config.payloadStorage) {
      if (size > MAX_TASK_BYTES) throw new PayloadTooLargeError(functionId, size, MAX_TASK_BYTES);
    } else {
      // Too big for the task (or past DEFERRED_PAYLOAD_OFFLOAD_BYTES): the envelope goes to Cloud Storage.
      offloaded = await offloadEnvelope(functionId, body, config.payloadStorage, times);
      body = offloaded.body;
      const referenceSize = sizeOf(body, url, headers);
      if (referenceSize > MAX_TASK_BYTES) throw new PayloadTooLargeError(functionId, referenceSize, MAX_TASK_BYTES);
    }
  }

  const created = await createOrForget(transport, offloaded?.ref, config.payloadStorage, {
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
  });
  emitTaskEvent('task:enqueued', { functionId, queue: task.queue, taskName: created.name, scheduleTime: task.scheduleTime });
  return created.name;
}

/**
 * Runs `fn(...args)` later, in a Cloud Task that calls this app back (App Engine's
 * `deferred.defer`). The arguments travel as superjson (Dates, Maps, Sets, BigInt survive);
 * their types come from `fn`, so a wrong argument is a compile error here.
 *
 * Checks everything it can before the network call: options, the queue (it must be in
 * queue.yaml), the configuration and the payload size. Returns the task's full resource name.
 */
export async function defer<Args extends unknown[]>(
  fn: DeferrableFunction<Args>,
  args: NoInfer<Args>,
  options: DeferOptions = {},
): Promise<string> {
  if (typeof fn !== 'function' || typeof fn.deferredId !== 'string') {
    throw new TypeError('defer() takes a function made with deferrable(id, fn) and listed in the manifest');
  }
  return enqueueTask(fn.deferredId, args, options);
}
