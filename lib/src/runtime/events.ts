import { describeError, log } from './logger.js';
import { processState } from './process-state.js';
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
export const TASK_EVENT_NAMES = [
  'task:enqueued',
  'task:start',
  'task:success',
  'task:error',
  'task:dead',
] as const satisfies readonly TaskEventName[];
/** Called with every lifecycle event: `(event, payload)`, e.g. for a metrics exporter. */
export type AnyTaskEventListener = <E extends TaskEventName>(event: E, payload: TaskEventMap[E]) => void;
type Listener<E extends TaskEventName> = (payload: TaskEventMap[E]) => void;

// Process-wide: a listener registered in instrumentation.ts must see the tasks the route runs.
const eventListeners = () => processState('event-listeners', () => new Map<TaskEventName, Set<Listener<never>>>());

/** Subscribes to a lifecycle event; returns the unsubscribe function. */
export function onTaskEvent<E extends TaskEventName>(event: E, listener: Listener<E>): () => void {
  const listeners = eventListeners();
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener as Listener<never>);
  return () => set.delete(listener as Listener<never>);
}

/** Subscribes to every lifecycle event; returns the unsubscribe function. */
export function onAnyTaskEvent(listener: AnyTaskEventListener): () => void {
  const unsubscribe = TASK_EVENT_NAMES.map((event) => onTaskEvent(event, (payload) => listener(event, payload)));
  return () => unsubscribe.forEach((off) => off());
}

/** A listener that throws must not change a task's outcome: its error is reported, not raised. */
export function emitTaskEvent<E extends TaskEventName>(event: E, payload: TaskEventMap[E]): void {
  for (const listener of (eventListeners().get(event) ?? []) as Set<Listener<E>>) {
    try {
      listener(payload);
    } catch (error) {
      log('ERROR', `a ${event} listener threw: ${describeError(error)}`);
    }
  }
}
