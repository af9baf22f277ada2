/**
 * Resource names as Cloud Tasks spells and validates them. Messages are Google's recorded ones
 * (contract/cloud-tasks-messages.ts); the hint in the details quotes the pattern so a caller
 * sees at once what a valid id looks like.
 */
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { LOCATION_ID, PROJECT_ID, QUEUE_ID, TASK_ID } from '../contract/names.js';
import { cloudTasksError } from './api-error.js';

const inner = (pattern: RegExp) => pattern.source.replace(/^\^|\$$/g, '');
const PARENT = new RegExp(`^projects/${inner(PROJECT_ID)}/locations/${inner(LOCATION_ID)}$`);

export function checkParent(parent: string): string {
  if (!PARENT.test(parent)) {
    throw cloudTasksError(CLOUD_TASKS_ERRORS.invalidParent, `parent "${parent}" must look like projects/PROJECT_ID/locations/LOCATION_ID`);
  }
  return parent;
}

export function checkQueueName(name: unknown, field = 'queue.name'): string {
  const text = typeof name === 'string' ? name : '';
  const slash = text.lastIndexOf('/queues/');
  const parent = slash > 0 ? text.slice(0, slash) : '';
  const id = slash > 0 ? text.slice(slash + '/queues/'.length) : '';
  if (!PARENT.test(parent) || !QUEUE_ID.test(id)) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.invalidQueueName,
      `${field} "${text}" is invalid: it must be projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID, where QUEUE_ID has 1 to 100 letters, digits or hyphens ([A-Za-z0-9-])`,
    );
  }
  return text;
}

export function checkTaskName(name: unknown, queueName: string): string {
  const text = typeof name === 'string' ? name : '';
  const prefix = `${queueName}/tasks/`;
  const hint = `Task name "${text}" is invalid: it must be ${prefix}TASK_ID, where TASK_ID has 1 to 500 letters, digits, hyphens or underscores ([A-Za-z0-9_-])`;
  const slash = text.lastIndexOf('/tasks/');
  if (slash < 0) throw cloudTasksError(CLOUD_TASKS_ERRORS.invalidTaskName, hint);
  const taskQueue = text.slice(0, slash);
  if (taskQueue !== queueName) throw cloudTasksError(CLOUD_TASKS_ERRORS.taskQueueMismatch(queueName, taskQueue), hint);
  const id = text.slice(slash + '/tasks/'.length);
  if (!TASK_ID.test(id)) throw cloudTasksError(CLOUD_TASKS_ERRORS.invalidTaskId(id), hint);
  return text;
}

export function parentOf(queueName: string): string {
  return queueName.slice(0, queueName.lastIndexOf('/queues/'));
}
