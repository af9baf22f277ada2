import type { RetryConfig } from './queue-settings.js';

/** One Cloud Task to create, already validated; what every transport receives. */
export interface CreateTaskRequest {
  project: string;
  location: string;
  queue: string;
  /** Short task id; omitted: the transport's backend picks one. */
  taskId?: string;
  /** Absolute URL the task calls. */
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  scheduleTime?: Date;
  dispatchDeadlineSeconds?: number;
  oidcToken: { serviceAccountEmail: string; audience: string };
  /**
   * The task's own retry settings (Cloud Tasks' `Task.retry_config`, in v2beta3), complete: they
   * replace its queue's for this task. Omitted: the queue's apply.
   */
  retry?: RetryConfig;
}

export interface CreatedTask {
  /** Full resource name: projects/P/locations/L/queues/Q/tasks/T. */
  name: string;
}

/** What one item of a batch came to: the task created, or why it was not. */
export type CreateTaskOutcome = CreatedTask | { error: Error };

/** What one name of a batch delete came to: deleted (`true`), already gone (`false`), or an error. */
export type DeleteTaskOutcome = { deleted: boolean } | { error: Error };

/** A batch call's identity: Cloud Tasks answers a retried batch with the same `requestId` from its first run. */
export interface BatchCall {
  /** A UUID (version 4). */
  requestId: string;
}

/**
 * Where `defer` sends tasks: Cloud Tasks, the local emulator (the same client pointed at it)
 * or the in-memory stub of the test kit.
 */
export interface TaskTransport {
  createTask(request: CreateTaskRequest): Promise<CreatedTask>;
  /**
   * Deletes a queued task by its full resource name (what `cancelTask` calls): `true` if it was
   * deleted, `false` if there is no such task any more (it ran, or was deleted: NOT_FOUND).
   * Optional so that a transport written before it still type-checks; `cancelTask` says so.
   */
  deleteTask?(name: string): Promise<boolean>;
  /**
   * Creates up to 100 tasks of one queue in one call (Cloud Tasks' BatchCreateTasks; not atomic):
   * one outcome per request, in order. Rejects only when the call as a whole failed. Optional:
   * without it (or when the endpoint answers UNIMPLEMENTED or NOT_FOUND), `deferMany` creates
   * each task with `createTask`, in parallel.
   */
  createTasks?(requests: readonly CreateTaskRequest[], call: BatchCall): Promise<CreateTaskOutcome[]>;
  /**
   * Deletes up to 1,000 tasks of one queue in one call (Cloud Tasks' BatchDeleteTasks): one
   * outcome per name, in order. Optional, as `createTasks`: `cancelMany` falls back to `deleteTask`.
   */
  deleteTasks?(names: readonly string[], call: BatchCall): Promise<DeleteTaskOutcome[]>;
}
