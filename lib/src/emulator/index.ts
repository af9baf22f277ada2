/**
 * The local Cloud Tasks emulator, for a test or a script: `startEmulator(options)` starts it
 * (REST and gRPC on one port, the dispatcher, the dashboard) and returns a handle with its
 * address, its task events, a way to wait for a task, cron.yaml's jobs, and `stop()`.
 * `next-cloud-tasks emulator` and `dev` start the same thing from the command line.
 */
export { startEmulator, type EmulatorHandle } from './server.js';
export type { CloudTasksLimits, EmulatorOptions } from './options.js';
export type { EmulatorCron, EmulatorCronEvents, EmulatorEventSource, EmulatorEvents } from './task-events.js';
export type { FinishedTask } from './finished-tasks.js';
export type { TaskRecord } from './model.js';
export type { AttemptResult } from './attempt.js';
export type { CronJobRecord, CronRunResult, LoadedCronJobs } from './cron-jobs.js';
