/**
 * queue.yaml for Cloud Tasks: App Engine's format and rules, mapped to Cloud Tasks queues, and a
 * plan/apply deployer. The handler, defer(), the jest stub and the emulator import from here.
 */
export type { CloudTasksQueueSettings, QueueDefinition, QueueFile, QueueYamlProblem, RetryConfig, RetryParameters, SourcePosition } from './types.js';
export { QueueYamlError, QueuesApiError, QueuesUsageError, formatProblem } from './errors.js';
export { APP_ENGINE_DEFAULTS, APP_ENGINE_LIMITS } from './defaults.js';
export { parseQueueYaml, loadQueueYaml } from './parse.js';
export { toCloudTasksQueue } from './map.js';
export { deadLetterQueueOf } from './dead-letter-queues.js';
export { DEAD_LETTER_QUEUE_SUFFIX } from './validate-queue.js';
export { backoffSeconds, shouldRetry } from './retry-policy.js';
export { parseRate, parseAgeLimit } from './units.js';
export { planQueues, diffQueue, MANAGED_FIELDS } from './plan.js';
export type { FieldChange, LiveQueue, PlanOptions, QueueField, QueuePlan, QueuePlanItem } from './plan.js';
export { applyPlan } from './apply.js';
export type { AppliedAction, ApplyResult, QueueAdmin } from './apply.js';
// The deployer's Cloud Tasks client (cloud-tasks-admin.ts) and the CLI (run-cli.ts) are not
// exported here on purpose: the task handler imports this module, and must not reach code that
// loads @google-cloud/tasks (import them from their own files).
export type { CloudTasksAdminOptions } from './cloud-tasks-admin.js';
