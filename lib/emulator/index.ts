/**
 * The local Cloud Tasks emulator: Cloud Tasks v2 REST, a dispatcher with Cloud Tasks' rate,
 * retry and OIDC behaviour, SQLite state, queue.yaml, and a dashboard. `npm run emulator`
 * (cli.ts) and `npm run dev` (scripts/dev.ts) start it; tests start it in-process.
 */
export { startEmulator, type EmulatorHandle } from './server';
export { DEFAULT_LIMITS, DEFAULT_OPTIONS, type CloudTasksLimits, type EmulatorOptions } from './options';
export type { DispatcherEvents } from './dispatcher';
export type { AttemptResult } from './attempt';
export type { TaskOutcome } from './outcomes';
export type { QueueRecord, TaskRecord, AttemptRecord, RetryConfig, RateLimits } from './model';
