/**
 * The World's `createQueueHandler`: what the SDK's generated flow and step routes run. In order,
 * cheap refusals first, as the deferred route does:
 *
 * 1. Only POST (405); a shutting-down instance answers 503 (retried elsewhere).
 * 2. The caller's OIDC token (verify-callback.ts): 401 / 403, and nothing runs.
 * 3. The body, capped at a task's size (413), decoded (contract/workflow-message.ts).
 * 4. A hop of a long delay that arrived early is sent on; nothing runs yet.
 * 5. The SDK's handler runs, told the delivery number (the task's first try's, plus Cloud Tasks'
 *    retries of it). It throws: 500, and Cloud Tasks retries per the queue's retry settings.
 *    It asks for the message again later (`timeoutSeconds`, how sleeps and step retries work):
 *    that delivery is a new task, created before this one answers 2xx.
 */
import type { Queue, QueuePrefix, ValidQueueName, MessageId } from '@workflow/world';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { outcomeResponse, type Outcome } from '../contract/outcomes.js';
import { readTaskHeaders } from '../contract/task-headers.js';
import { readBodyWithLimit } from '../handle/read-body.js';
import { acceptTaskRequest } from '../handle/task-request.js';
import { describeError, log } from '../runtime/logger.js';
import { messageKind } from './queue.js';
import { sendWorkflowTask } from './send-task.js';
import type { WorldSettings } from './settings.js';
import { decodeTaskMessage, type TaskMessage } from '../contract/workflow-message.js';
import { nextHopTaskId, workflowTaskId } from './task-name.js';
import { verifyCallback } from './verify-callback.js';

type SdkHandler = Parameters<Queue['createQueueHandler']>[1];

function refuse(outcome: Outcome, reason: string, fields: Record<string, unknown>): Response {
  log(outcome === 'misconfigured' ? 'ERROR' : 'WARNING', `workflow task refused (${outcome}): ${reason}`, fields);
  return outcomeResponse(outcome);
}

/** 2xx: Cloud Tasks deletes the task. `timeoutSeconds` says when the message comes back, for the logs. */
function done(timeoutSeconds?: number): Response {
  return Response.json(timeoutSeconds === undefined ? { outcome: 'success' } : { outcome: 'success', timeoutSeconds });
}

export function createWorkflowQueueHandler(settings: () => WorldSettings): Queue['createQueueHandler'] {
  return (prefix: QueuePrefix, handler: SdkHandler) => async (request: Request) =>
    acceptTaskRequest(request, () => serve(request, prefix, handler, settings));
}

async function serve(request: Request, prefix: string, handler: SdkHandler, settings: () => WorldSettings): Promise<Response> {
  const path = new URL(request.url).pathname;
  const verdict = await verifyCallback(request);
  if (!verdict.ok) return refuse(verdict.outcome, verdict.reason, { path });

  const body = await readBodyWithLimit(request, MAX_TASK_BYTES);
  if (body === 'too-large') return refuse('too-large', `body over ${MAX_TASK_BYTES} bytes`, { path });
  const message = decodeTaskMessage(body);
  const task = readTaskHeaders(request.headers);
  const fields = { path, task: task.taskName, queue: task.queueName };
  // From a verified caller, so written by this World: another version's task, retried until a
  // revision that reads it gets it.
  if ('problem' in message) return failed(`not a workflow task: ${message.problem}`, fields);
  if (!message.queueName.startsWith(prefix)) return failed(`a ${message.queueName} message sent to the ${prefix} route`, fields);

  try {
    if (message.notBefore !== undefined && message.notBefore > Date.now()) {
      await sendOn(settings(), message, { taskId: task.taskName ? nextHopTaskId(task.taskName) : undefined });
      return done();
    }
    const attempt = message.attempt + task.retryCount;
    const result = await handler(message.payload, {
      attempt,
      queueName: message.queueName as ValidQueueName,
      messageId: message.messageId as MessageId,
      requestId: task.taskName,
    });
    const timeoutSeconds = result && typeof result.timeoutSeconds === 'number' ? Math.max(0, result.timeoutSeconds) : undefined;
    if (timeoutSeconds !== undefined) {
      // The next delivery of the same message: created before this answer, so a crash in between
      // leaves this task to be retried, never a message lost. Its id follows from this task's, so
      // a retry of this task that asks again finds it made (ALREADY_EXISTS) instead of doubling it.
      const next = { ...message, attempt: attempt + 1, notBefore: undefined };
      const taskId = workflowTaskId(message.messageId, message.attempt + 1);
      await sendOn(settings(), next, { delayMs: timeoutSeconds * 1000, taskId });
    }
    return done(timeoutSeconds);
  } catch (error) {
    return failed(describeError(error), { ...fields, workflowQueue: message.queueName, messageId: message.messageId });
  }
}

function sendOn(settings: WorldSettings, message: TaskMessage, options: { taskId?: string; delayMs?: number }): Promise<unknown> {
  return sendWorkflowTask(settings, { kind: messageKind(message.queueName), message, ...options });
}

function failed(reason: string, fields: Record<string, unknown>): Response {
  log('WARNING', `workflow task failed, Cloud Tasks retries it: ${reason}`, fields);
  return outcomeResponse('failed');
}
