import { describeError, log } from './logger.js';
import { currentOptions } from './options-state.js';
import type { TaskContext } from './task-context.js';
import type { DeadLetterReason } from '../contract/outcomes.js';

export type { DeadLetterReason } from '../contract/outcomes.js';

/**
 * A task's lifecycle, as typed events. The handler and the test stub emit them the same way,
 * so an app can count, trace or alert on tasks without wrapping every function.
 */
export interface TaskEventMap {
  'task:enqueued': { functionId: string; queue: string; taskName: string; scheduleTime?: Date };
  'task:start': { context: TaskContext };
  'task:success': { context: TaskContext; durationMs: number };
  'task:error': { context: TaskContext; error: unknown; durationMs: number; willRetry: boolean };
  'task:dead': { context?: TaskContext; reason: DeadLetterReason; error: unknown };
}

export type TaskEventName = keyof TaskEventMap;
/** Called with every lifecycle event: `(event, payload)`, e.g. for a metrics exporter. */
export type TaskEventListener = <E extends TaskEventName>(event: E, payload: TaskEventMap[E]) => void;
/**
 * Hands a lifecycle event to the `onEvent` option. A listener that throws must not change a
 * task's outcome: its error is reported, not raised.
 */
export function emitTaskEvent<E extends TaskEventName>(event: E, payload: TaskEventMap[E]): void {
  const listener = currentOptions().onEvent;
  if (!listener) return;
  try {
    listener(event, payload);
  } catch (error) {
    log('ERROR', `a ${event} listener threw: ${describeError(error)}`);
  }
}
