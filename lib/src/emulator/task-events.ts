/**
 * The lifecycle of a task in the emulator, as the handler and the jest stub also report it:
 * the events of `startEmulator()`'s handle.
 */
import type { AttemptResult } from './attempt.js';
import type { TaskRecord } from './model.js';

export interface DispatcherEvents {
  /** An attempt was sent (`attempt` counts from 1). */
  'task:start': [{ task: TaskRecord; attempt: number }];
  /** A 2xx answer: the task is done (and deleted). */
  'task:success': [{ task: TaskRecord; status: number; durationMs: number }];
  /** A failed attempt; another comes at `retryAtMs`. */
  'task:error': [{ task: TaskRecord; result: AttemptResult; retryAtMs: number }];
  /** Dead-lettered: out of retries, or the app's PermanentTaskFailure. */
  'task:dead': [{ task: TaskRecord; reason: string }];
}
