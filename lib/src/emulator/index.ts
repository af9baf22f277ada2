/**
 * The local Cloud Tasks emulator: Cloud Tasks v2 REST, a dispatcher with Cloud Tasks' rate,
 * retry and OIDC behaviour, SQLite state, queue.yaml, and a dashboard. `next-cloud-tasks emulator`
 * and `next-cloud-tasks dev` start it; tests start it in-process with startEmulator().
 */
export { startEmulator, type EmulatorHandle } from './server.js';
export { DEFAULT_LIMITS, DEFAULT_OPTIONS, type CloudTasksLimits, type EmulatorOptions } from './options.js';
export type { DispatcherEvents } from './dispatcher.js';
export type { AttemptResult } from './attempt.js';
export type { FinishedTask } from './finished-tasks.js';
export type { QueueRecord, TaskRecord, AttemptRecord, RetryConfig, RateLimits } from './model.js';
export type { CronJobRecord, CronRunResult, LoadedCronJobs } from './cron-jobs.js';
export type { CronScheduler, CronSchedulerEvents } from './cron-scheduler.js';
