import { InvalidTaskOptionsError } from '../contract/errors.js';
import { parseTaskName } from '../contract/names.js';
import { enqueueRuntime } from './defer.js';

/**
 * Deletes a task that has not run yet (App Engine's `Queue.delete_tasks`): a reminder the user
 * cancelled, a retry that is no longer wanted. `taskName` is what `defer` returned, the task's
 * full resource name. Resolves `true` if the task was deleted, `false` if there was no such task
 * any more (it already ran, or was deleted before: Cloud Tasks answers NOT_FOUND for both).
 * A task being delivered right now may still run. Without `roles/cloudtasks.taskDeleter`, throws
 * a CloudTasksError that names the role.
 */
export async function cancelTask(taskName: string): Promise<boolean> {
  if (typeof taskName !== 'string' || !parseTaskName(taskName)) {
    throw new InvalidTaskOptionsError(
      'taskName',
      `cancelTask() takes a task's full name, projects/P/locations/L/queues/Q/tasks/T (what defer() returns), not ${JSON.stringify(taskName)}`,
    );
  }
  const { transport } = enqueueRuntime();
  if (!transport.deleteTask) {
    throw new TypeError(
      'the task transport in use (the transport option) has no deleteTask(name), so cancelTask() cannot delete tasks with it',
    );
  }
  return transport.deleteTask(taskName);
}
