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
}

export interface CreatedTask {
  /** Full resource name: projects/P/locations/L/queues/Q/tasks/T. */
  name: string;
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
}
