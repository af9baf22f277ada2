/**
 * `next-cloud-tasks/queues`: queue.yaml in code, what `next-cloud-tasks queues validate|plan|apply|check`
 * runs. Parse and validate a file with App Engine's rules (every problem at once, with its line
 * and column), plan it against the live queues, apply the plan (never deleting a queue), or check
 * for drift in CI.
 *
 * @example
 * import { createCloudTasksAdmin, deployQueues, formatQueueDeploy, loadQueueYaml } from 'next-cloud-tasks/queues';
 * const admin = createCloudTasksAdmin({ project: 'my-project', location: 'us-central1' });
 * const result = await deployQueues(loadQueueYaml('queue.yaml'), admin, { mode: 'apply' });
 * console.log(formatQueueDeploy(result, 'projects/my-project/locations/us-central1'));
 * await admin.close();
 */
export type { QueueDefinition, QueueFile, QueueYamlProblem } from './types.js';
export type { CloudTasksQueueSettings } from '../contract/queue-settings.js';
export { QueueYamlError, QueuesApiError, formatProblem } from './errors.js';
export { parseQueueYaml, loadQueueYaml } from './parse.js';
export { toCloudTasksQueue } from './map.js';
export type { LiveQueue } from './queue-resource.js';
export { planQueues, applyQueuePlan, deployQueues, formatQueueDeploy } from './deploy-queues.js';
export type { QueueAdmin, QueueApplyResult, QueueDeployResult, QueuePlan, QueuePlanItem } from './deploy-queues.js';
export type { DeployOptions } from '../deploy/deploy.js';
export type { FormatOptions } from '../deploy/render-plan.js';
// Loads @google-cloud/tasks only when a call is made: importing this entry stays cheap.
export { createCloudTasksAdmin } from './cloud-tasks-admin.js';
export type { CloudTasksAdminOptions } from './cloud-tasks-admin.js';
