/**
 * The World's Queue on Cloud Tasks: each SDK message is a Cloud Task to the app's flow or step
 * route. The SDK's idempotency key names the task, so a second message with the same key (a
 * replay that queues the same step again) is refused by Cloud Tasks and reported as queued.
 */
import type { MessageId, Queue, QueueOptions, QueuePayload, ValidQueueName } from '@workflow/world';
import { parseWorkflowQueueName, type MessageKind } from '../contract/workflow-message.js';
import { sendWorkflowTask } from './send-task.js';
import type { WorldSettings } from './settings.js';
import { messageIdFor, workflowTaskId } from './task-name.js';

/** Which route (and Cloud Tasks queue) an SDK queue name belongs to. */
export function messageKind(queueName: string): MessageKind {
  const parsed = parseWorkflowQueueName(queueName);
  if (!parsed) throw new TypeError(`"${queueName}" is not a Workflow SDK queue name (__wkf_workflow_... or __wkf_step_...)`);
  return parsed.kind;
}

export function createCloudTasksQueue(settings: () => WorldSettings): Pick<Queue, 'queue' | 'getDeploymentId'> {
  return {
    // Cloud Run's revision: runs record which deployment started them.
    getDeploymentId: async () => settings().deploymentId,

    async queue(queueName: ValidQueueName, payload: QueuePayload, opts: QueueOptions = {}): Promise<{ messageId: MessageId | null }> {
      const kind = messageKind(queueName);
      const messageId = messageIdFor(opts.idempotencyKey);
      await sendWorkflowTask(settings(), {
        kind,
        taskId: workflowTaskId(messageId, 1),
        message: { queueName, messageId, attempt: 1, payload },
        headers: opts.headers,
        delayMs: (opts.delaySeconds ?? 0) * 1000,
      });
      return { messageId: messageId as MessageId };
    },
  };
}
