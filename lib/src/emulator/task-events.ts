/**
 * What `startEmulator()`'s handle reports: the lifecycle of a task (as the handler and the jest
 * stub also report it) and of a cron.yaml job's run, each as a typed event map, and the part of
 * an emitter a caller needs (on, off, once).
 */
import type { EventEmitter } from 'node:events';
import type { AttemptResult } from './attempt.js';
import type { CronJobRecord, CronRunResult } from './cron-jobs.js';
import type { CronSchedulerEvents } from './cron-scheduler.js';
import type { TaskRecord } from './model.js';

export interface EmulatorEvents {
  /** An attempt was sent (`attempt` counts from 1). */
  'task:start': [{ task: TaskRecord; attempt: number }];
  /** A 2xx answer: the task is done (and deleted). */
  'task:success': [{ task: TaskRecord; status: number; durationMs: number }];
  /** A failed attempt; another comes at `retryAtMs`. */
  'task:error': [{ task: TaskRecord; result: AttemptResult; retryAtMs: number }];
  /** Dead-lettered: out of retries, or the app's PermanentTaskFailure. */
  'task:dead': [{ task: TaskRecord; reason: string }];
}

/** Listening to the task events. */
export type EmulatorEventSource = Pick<EventEmitter<EmulatorEvents>, 'on' | 'off' | 'once'>;

/** cron.yaml's jobs in the emulator: their list and state, "run now", and the events of their runs. */
export interface EmulatorCron extends Pick<EventEmitter<EmulatorCronEvents>, 'on' | 'off' | 'once'> {
  /** The jobs with their next run and last result. */
  list(): CronJobRecord[];
  /** Runs the job now, whatever its schedule. */
  runNow(id: string): void;
  /** Resolves with the job's next finished run (succeeded, or failed with no retry left). @default timeoutMs 30000 */
  waitForRun(id: string, timeoutMs?: number): Promise<CronRunResult>;
}

export type EmulatorCronEvents = CronSchedulerEvents;
