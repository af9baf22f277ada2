import { buildCloudTasksClient, createCloudTasksTransport, refusedCreateTask } from './cloud-tasks-transport.js';
import { enqueueConfigFromEnv, onCloudRun, readTuning, type EnqueueConfig, type PayloadStorageConfig } from '../runtime/config.js';
import { withEnqueueRetries } from './enqueue-retry.js';
import { offloadEnvelope } from './offload-payload.js';
import { encodeEnvelope } from '../contract/envelope.js';
import { PayloadTooLargeError, UnknownQueueError } from '../contract/errors.js';
import { emitTaskEvent, type TaskEventMap } from '../runtime/events.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { processState } from '../runtime/process-state.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import type { DeferrableFunction } from '../runtime/registry.js';
import { resolveTaskOptions, type DeferOptions } from './task-options.js';
import { traceparentForTask, type TraceOptions } from '../runtime/trace.js';
import { queuePath } from '../contract/names.js';
import { type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';
import type { PayloadReference } from '../contract/envelope.js';
import { payloadStoreFor } from '../runtime/payload-store.js';

/** Where and as what tasks are created. */
interface EnqueueRuntime {
  transport: TaskTransport;
  config: EnqueueConfig;
}

interface EnqueueState {
  override?: EnqueueRuntime;
  cloudTransport?: TaskTransport;
}
// Process-wide: one transport (and so one Cloud Tasks client) for every module instance.
const enqueueState = () => processState('enqueue', (): EnqueueState => ({}));

/**
 * Sends tasks somewhere else than Cloud Tasks (the test kit's stub); `undefined` restores the
 * default. With an override, `config` replaces the environment's settings.
 */
export function setTaskTransport(transport: TaskTransport | undefined, config?: EnqueueConfig): void {
  enqueueState().override = transport ? { transport, config: config ?? enqueueConfigFromEnv() } : undefined;
}

/** Where and as what `defer` creates tasks now (the dead-letter sink creates its tasks the same way). */
export function enqueueRuntime(): EnqueueRuntime {
  const state = enqueueState();
  if (state.override) return state.override;
  const config = enqueueConfigFromEnv();
  // UNAVAILABLE / DEADLINE_EXCEEDED are retried under a name chosen before the first try (enqueue-retry.ts).
  state.cloudTransport ??= withEnqueueRetries(createCloudTasksTransport({ emulatorHost: config.emulatorHost }), {
    attempts: readTuning('enqueueAttempts'),
  });
  return { transport: state.cloudTransport, config };
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

type Enqueued = (payload: TaskEventMap['task:enqueued']) => void;

/** defer()'s work once its function is checked: options, queue, envelope, size, then the task. */
async function enqueueTask(
  functionId: string,
  args: unknown[],
  options: DeferOptions & TraceOptions,
  { transport, config }: EnqueueRuntime = enqueueRuntime(),
  enqueued: Enqueued = (payload) => emitTaskEvent('task:enqueued', payload),
): Promise<string> {
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
  if (size > readTuning('payloadOffloadBytes') || size > MAX_TASK_BYTES) {
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
  enqueued({ functionId, queue: task.queue, taskName: created.name, scheduleTime: task.scheduleTime });
  return created.name;
}

/**
 * The process's one pipeline, like its one transport: every module instance's defer() runs the
 * copy the first instance installed (at start, registerDeferred's warm-up), so the code warmed
 * at start is the code the first real defer() runs. The route handlers' bundle holds its own copy
 * of this package, which would otherwise run cold (bench/cold-start.bench.ts).
 */
const enqueuePipeline = () => processState('enqueue-pipeline', () => enqueueTask);

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
  options: DeferOptions & TraceOptions = {},
): Promise<string> {
  if (typeof fn !== 'function' || typeof fn.deferredId !== 'string') {
    throw new TypeError('defer() takes a function made with deferrable(id, fn) and listed in the manifest');
  }
  return enqueuePipeline()(fn.deferredId, args, options);
}

/** How many times registerDeferred's warm-up runs the pipeline: V8 optimizes code after a few runs, not one. */
const REHEARSALS = 4;
const REHEARSAL_FUNCTION_ID = 'next-cloud-tasks.warm-up';
/** An explicit trace, so a rehearsal calls no trace provider: no code of the app's runs at start. */
const REHEARSAL_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Answers like Cloud Tasks without sending anything: the rehearsals' transport. */
const rehearsalTransport: TaskTransport = {
  createTask: async (request) => ({ name: `${queuePath(request)}/tasks/warm-up` }),
};

/**
 * Builds the shared Cloud Tasks client (the import alone is ~200 ms: it loads gRPC and the
 * protos) and sends it one CreateTask that Cloud Tasks refuses (refusedCreateTask). Off Cloud Run
 * (no metadata server) and away from the emulator, looking for credentials can take seconds: the
 * client is only built.
 */
async function warmUpTransport({ transport, config }: EnqueueRuntime, queue: string): Promise<void> {
  await buildCloudTasksClient(config.emulatorHost);
  if (!config.emulatorHost && !onCloudRun()) return;
  const oidcToken = { serviceAccountEmail: config.serviceAccountEmail, audience: config.audience };
  await transport
    .createTask(refusedCreateTask({ project: config.project, location: config.location, queue, oidcToken }))
    .catch(() => undefined);
}

/**
 * Does, off the request path, what the first `defer()` would otherwise pay for: reading the
 * configuration and queue.yaml, building the Cloud Tasks client and its first call, and running
 * the pipeline a few times against a transport that sends nothing (no task, no event), so the
 * first real call runs warm code. registerDeferred() awaits it at server start, so it never
 * waits longer than `timeoutMs`. A problem is left for defer() to report, with its own clear error.
 */
export async function prewarmDefer(timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const warm = async () => {
    const [queue = 'default'] = queueCatalog().names;
    const runtime = enqueueRuntime();
    if (!enqueueState().override) await warmUpTransport(runtime, queue);
    const pipeline = enqueuePipeline();
    // No payload bucket either: a rehearsal's envelope must not be written anywhere.
    const rehearsal: EnqueueRuntime = { transport: rehearsalTransport, config: { ...runtime.config, payloadStorage: undefined } };
    const options = { queue, traceparent: REHEARSAL_TRACEPARENT };
    for (let i = 0; i < REHEARSALS; i++) await pipeline(REHEARSAL_FUNCTION_ID, ['warm-up', new Date()], options, rehearsal, () => {});
  };
  try {
    await Promise.race([warm(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } catch {
    // defer() reads the same settings and throws the error that names the fix.
  } finally {
    clearTimeout(timer);
  }
}
