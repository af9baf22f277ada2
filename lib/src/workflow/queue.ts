/**
 * The World's Queue on Cloud Tasks: each SDK message is a Cloud Task to the app's flow or step
 * route. The SDK's idempotency key names the task, so a second message with the same key (a
 * replay that queues the same step again) is refused by Cloud Tasks and reported as queued.
 */
import type { MessageId, Queue, QueueOptions, QueuePayload, ValidQueueName } from '@workflow/world';
import { sendWorkflowTask, type MessageKind } from './send-task.js';
import type { WorldSettings } from './settings.js';
import { messageIdFor, workflowTaskId } from './task-name.js';

/** The SDK's queue names: `__wkf_workflow_<name>`, `__wkf_step_<name>`, or with a namespace `__<ns>_wkf_...`. */
const QUEUE_NAME = /^__(?:[a-z][a-z0-9]*_)?wkf_(workflow|step)_.+$/;

/** Which route (and Cloud Tasks queue) an SDK queue name belongs to. */
export function messageKind(queueName: string): MessageKind {
  const match = QUEUE_NAME.exec(queueName);
  if (!match) throw new TypeError(`"${queueName}" is not a Workflow SDK queue name (__wkf_workflow_... or __wkf_step_...)`);
  return match[1] as MessageKind;
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
