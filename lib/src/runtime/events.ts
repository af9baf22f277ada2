import { describeError, log } from './logger.js';
import type { TaskContext } from './task-context.js';

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

export type DeadLetterReason = 'permanent-failure' | 'undecodable' | 'final-attempt';
export type TaskEventName = keyof TaskEventMap;
type Listener<E extends TaskEventName> = (payload: TaskEventMap[E]) => void;

const listeners = new Map<TaskEventName, Set<Listener<never>>>();

/** Subscribes to a lifecycle event; returns the unsubscribe function. */
export function onTaskEvent<E extends TaskEventName>(event: E, listener: Listener<E>): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener as Listener<never>);
  return () => set.delete(listener as Listener<never>);
}

/** A listener that throws must not change a task's outcome: its error is reported, not raised. */
export function emitTaskEvent<E extends TaskEventName>(event: E, payload: TaskEventMap[E]): void {
  for (const listener of (listeners.get(event) ?? []) as Set<Listener<E>>) {
    try {
      listener(payload);
    } catch (error) {
      log('ERROR', `a ${event} listener threw: ${describeError(error)}`);
    }
  }
}
