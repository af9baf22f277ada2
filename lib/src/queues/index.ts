/**
 * `next-cloud-tasks/queues`: queue.yaml in code, what `next-cloud-tasks queues validate|plan|apply|check`
 * runs. Parse and validate a file with App Engine's rules (every problem at once, with its line
 * and column), map it to Cloud Tasks queues, plan against the live queues, and apply the plan
 * (never deleting a queue).
 *
 * @example
 * import { createCloudTasksAdmin, loadQueueYaml, planQueues, applyPlan } from 'next-cloud-tasks/queues';
 * const admin = createCloudTasksAdmin({ project: 'my-project', location: 'us-central1' });
 * const plan = planQueues(loadQueueYaml('queue.yaml'), await admin.listQueues());
 * await applyPlan(plan, admin);
 * await admin.close();
 */
export type { QueueDefinition, QueueFile, QueueYamlProblem, RetryParameters, SourcePosition } from './types.js';
export type { CloudTasksQueueSettings, RateLimits, RetryConfig } from '../contract/queue-settings.js';
export { QueueYamlError, QueuesApiError, formatProblem } from './errors.js';
export { parseQueueYaml, loadQueueYaml } from './parse.js';
export { toCloudTasksQueue } from './map.js';
export { planQueues } from './plan.js';
export { deadLetterQueueOf } from './dead-letter-queues.js';
export { DEAD_LETTER_QUEUE_SUFFIX } from './validate-queue.js';
export type { FieldChange, LiveQueue, PlanOptions, QueueField, QueuePlan, QueuePlanItem } from './plan.js';
export { formatPlanText, formatPlanMarkdown } from './format-plan.js';
export { applyPlan } from './apply.js';
export type { AppliedAction, ApplyResult, QueueAdmin } from './apply.js';
// Loads @google-cloud/tasks only when a call is made: importing this entry stays cheap.
export { createCloudTasksAdmin } from './cloud-tasks-admin.js';
export type { CloudTasksAdminOptions } from './cloud-tasks-admin.js';
