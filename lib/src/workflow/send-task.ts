/**
 * Creates the Cloud Task of one workflow message, through the adapter's own transport (Cloud
 * Tasks, the emulator when CLOUD_TASKS_EMULATOR_HOST is set, or the test kit's stub), with the
 * same configuration, OIDC token and queue.yaml check as `defer()`. `@google-cloud/tasks` is
 * loaded by the transport on its first task, never by importing this module.
 */
import { MAX_SCHEDULE_AHEAD_MS, MAX_TASK_BYTES, DISPATCH_DEADLINE_SECONDS } from '../contract/limits.js';
import { DeferredError, TaskAlreadyExistsError } from '../contract/errors.js';
import { checkQueue } from '../enqueue/check-call.js';
import { enqueueRuntime } from '../enqueue/defer.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import type { WorldSettings } from './settings.js';
import { encodeTaskMessage, WORKFLOW_ROUTES, type MessageKind, type TaskMessage } from '../contract/workflow-message.js';

/**
 * A delay is a schedule time at most this far ahead; a longer one waits in hops (contract/workflow-message.ts's
 * `notBefore`). An hour short of Cloud Tasks' 30 days, so a clock running ahead is not refused.
 */
export const HOP_MS = MAX_SCHEDULE_AHEAD_MS - 3600_000;

/**
 * The longest a delivery may run before Cloud Tasks gives up on it and retries: the maximum (30
 * minutes). A step that runs longer is delivered again while it still runs; Cloud Run's own
 * request timeout (`--timeout`, 5 minutes unless set) cuts it sooner.
 */
const DISPATCH_DEADLINE = DISPATCH_DEADLINE_SECONDS.max;

export interface WorkflowTask {
  kind: MessageKind;
  message: TaskMessage;
  /** The task id; deterministic ids make creating the same delivery twice harmless. */
  taskId?: string;
  /** Headers the SDK asked for (trace context). */
  headers?: Record<string, string>;
  /** Deliver this long from now (the SDK's `delaySeconds` or `timeoutSeconds`); a message with a `notBefore` is due then instead. */
  delayMs?: number;
}

/** A workflow message too big for a Cloud Task. */
export class WorkflowMessageTooLargeError extends DeferredError {
  override name = 'WorkflowMessageTooLargeError';
  constructor(
    readonly queueName: string,
    readonly bytes: number,
  ) {
    super(
      `the workflow message for ${queueName} is ${bytes} bytes, over the ${MAX_TASK_BYTES}-byte limit of a Cloud Task: a workflow's arguments travel in its first task, so pass big data by reference (an object in Cloud Storage, a row id) instead`,
    );
  }
}

/** `created`, or `exists`: a task of that id exists or ended recently (a duplicate, by design harmless). */
export async function sendWorkflowTask(settings: WorldSettings, task: WorkflowTask): Promise<'created' | 'exists'> {
  const { transport, config } = enqueueRuntime();
  const queue = settings.queues[task.kind];
  checkQueue(queue, queueCatalog());

  const now = Date.now();
  // A hop being sent on keeps its message's due time, so hops never drift by their own latency.
  const dueAt = task.message.notBefore ?? now + Math.max(0, task.delayMs ?? 0);
  const delayMs = Math.max(0, dueAt - now);
  // Past Cloud Tasks' horizon the task is a hop: it arrives early, and the handler sends it on.
  // The last hop carries no due time: it runs when Cloud Tasks delivers it.
  const message = { ...task.message, notBefore: delayMs > HOP_MS ? dueAt : undefined };
  const body = encodeTaskMessage(message);
  const url = config.serviceUrl + WORKFLOW_ROUTES[task.kind];
  const headers = { ...task.headers, 'Content-Type': 'application/json' };
  const size = body.byteLength + Buffer.byteLength(url) + Buffer.byteLength(JSON.stringify(headers));
  if (size > MAX_TASK_BYTES) throw new WorkflowMessageTooLargeError(message.queueName, size);

  try {
    await transport.createTask({
      project: config.project,
      location: config.location,
      queue,
      taskId: task.taskId,
      url,
      headers,
      body,
      scheduleTime: delayMs > 0 ? new Date(now + Math.min(delayMs, HOP_MS)) : undefined,
      dispatchDeadlineSeconds: DISPATCH_DEADLINE,
      // The same token as a deferred task: the handler verifies it with the same check.
      oidcToken: { serviceAccountEmail: config.serviceAccountEmail, audience: config.audience },
    });
    return 'created';
  } catch (error) {
    if (error instanceof TaskAlreadyExistsError) return 'exists';
    throw error;
  }
}
