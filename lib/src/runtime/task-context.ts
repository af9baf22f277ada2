import { AsyncLocalStorage } from 'node:async_hooks';
import type { TaskHeaders } from '../contract/task-headers.js';
import { processState } from './process-state.js';

/** Available inside a deferred function through `getTaskContext()`. */
export interface TaskContext extends TaskHeaders {
  functionId: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** When `defer` created the task. */
  enqueuedAt: Date;
  /** Cloud Trace id of the request that deferred the task, when known. */
  traceId?: string;
  /**
   * Set when Cloud Scheduler ran the function (a cron.yaml `function:` job): the job's id and the
   * time the run was scheduled for. Scheduler runs carry no attempt count, so `attempt` is 1.
   */
  cronJob?: { name: string; scheduleTime?: Date };
}

// Process-wide, so getTaskContext() works from any module instance of this package.
const storage = processState('task-context', () => new AsyncLocalStorage<TaskContext>());

export function runWithTaskContext<T>(context: TaskContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The running task's context; throws when called outside a deferred function. */
export function getTaskContext(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new Error('getTaskContext() was called outside a deferred task');
  return context;
}
