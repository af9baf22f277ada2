/**
 * Cloud Tasks' resource names, as the service spells and validates them: the one definition
 * that defer(), queue.yaml's check, the jest stub and the emulator all use.
 */

/** A queue id: letters, digits, hyphens; at most 100 characters. */
export const QUEUE_ID = /^[A-Za-z0-9-]{1,100}$/;
/** A task id: letters, digits, hyphens, underscores; at most 500 characters. */
export const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;
/** A project id as it appears in resource names (domain-scoped ids have ":" and "."). */
export const PROJECT_ID = /^[A-Za-z0-9:.-]+$/;
/** A location id, e.g. us-central1. */
export const LOCATION_ID = /^[A-Za-z0-9-]+$/;

/** A deferrable function's id: it appears in task URLs and logs, so URL-safe and readable. */
export const DEFERRABLE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/** The queue's full resource name: projects/P/locations/L/queues/Q. */
export function queuePath({ project, location, queue }: { project: string; location: string; queue: string }): string {
  return `projects/${project}/locations/${location}/queues/${queue}`;
}

/** A task's full resource name, projects/P/locations/L/queues/Q/tasks/T, in its parts; `undefined` if it is not one. */
export function parseTaskName(name: string): { project: string; location: string; queue: string; taskId: string } | undefined {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\/queues\/([^/]+)\/tasks\/([^/]+)$/.exec(name);
  if (!match) return undefined;
  const [, project, location, queue, taskId] = match;
  const valid = PROJECT_ID.test(project) && LOCATION_ID.test(location) && QUEUE_ID.test(queue) && TASK_ID.test(taskId);
  return valid ? { project, location, queue, taskId } : undefined;
}

/** A resource name's own id, its last segment: `projects/p/locations/l/queues/q` → `q`. */
export function shortId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
