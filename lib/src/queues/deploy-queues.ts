/**
 * queue.yaml deployed to Cloud Tasks with the deploy core: plan, apply, check, and the plan's
 * text and Markdown. What `next-cloud-tasks queues plan|apply|check` runs, for a program's use.
 */
import { applyDeployPlan, type ApplyResult } from '../deploy/apply.js';
import { runDeploy, type DeployOptions, type DeployResult } from '../deploy/deploy.js';
import { planDeploy, type DeployPlan, type DeployPlanItem, type PlanOptions } from '../deploy/plan.js';
import { renderDeploy, type FormatOptions } from '../deploy/render-plan.js';
import type { DeployAdmin } from '../deploy/resource.js';
import { toCloudTasksQueue } from './map.js';
import { QUEUE_RESOURCE, type LiveQueue, type QueueField } from './queue-resource.js';
import type { CloudTasksQueueSettings, QueueFile } from './types.js';

/** The queue calls a deploy makes: createCloudTasksAdmin() over the real client, or your own (a fake in tests). */
export type QueueAdmin = DeployAdmin<CloudTasksQueueSettings, LiveQueue>;
export type QueuePlanItem = DeployPlanItem<CloudTasksQueueSettings, LiveQueue, QueueField>;
export type QueuePlan = DeployPlan<QueuePlanItem>;
export type QueueApplyResult = ApplyResult<QueueField>;
export type QueueDeployResult = DeployResult<CloudTasksQueueSettings, LiveQueue, QueueField>;

const desiredQueues = (file: QueueFile) =>
  file.queues.map((def) => ({ name: def.name, desired: toCloudTasksQueue(def), position: def.position }));

/** Compares the file's queues with the live ones: create / update (the changed fields) / unchanged / not in the file. Pure. */
export function planQueues(file: QueueFile, live: readonly LiveQueue[], options: PlanOptions = {}): QueuePlan {
  return planDeploy(QUEUE_RESOURCE, file.file, desiredQueues(file), live, options);
}

/**
 * Carries out a plan: creates (a `rate: 0` queue then paused), updates the changed fields only,
 * pauses or resumes, pauses missing queues when the plan says so. Never deletes a queue.
 */
export function applyQueuePlan(plan: QueuePlan, admin: QueueAdmin): Promise<QueueApplyResult> {
  return applyDeployPlan(QUEUE_RESOURCE, plan, admin);
}

/** Lists the live queues, plans queue.yaml against them, and applies it (`mode: 'apply'`) or reports drift (`'check'`). */
export function deployQueues(file: QueueFile, admin: QueueAdmin, options: DeployOptions = {}): Promise<QueueDeployResult> {
  return runDeploy(QUEUE_RESOURCE, admin, file.file, desiredQueues(file), options);
}

/**
 * A plan as text for a terminal, or Markdown for a CI job summary (`markdown`), followed by what
 * was applied when there is an `applied`: what deployQueues returned, as the CLI prints it.
 * `target` names where it deploys (`projects/P/locations/L`).
 */
export function formatQueueDeploy(
  result: { plan: QueuePlan; applied?: QueueApplyResult },
  target: string,
  options?: FormatOptions,
): string {
  return renderDeploy(result, target, QUEUE_RESOURCE, options);
}
