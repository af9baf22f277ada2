/**
 * `next-cloud-tasks/testing`: App Engine's taskqueue_stub habits in jest (list the queued tasks,
 * run one, a virtual clock), runAfterResponse collected instead of run, and what tests through
 * HTTP need (task requests with OIDC tokens signed as Google signs them). No msw and no jest
 * globals at import; msw's handlers for Google's endpoints are `next-cloud-tasks/testing/msw`.
 */
export { createTaskQueueStub, TaskQueueStub } from './task-queue-stub.js';
export type { RunTaskOptions, TaskRunResult } from './task-queue-stub.js';
export { setupTaskQueueStub } from './setup-task-queue-stub.js';
export { TEST_ENQUEUE_CONFIG, TEST_HANDLER_CONFIG, STUB_DEFAULTS } from './stub-options.js';
export type { StubQueues, TaskQueueStubOptions } from './stub-options.js';
export type { StubTask, TaskAttempt, TaskFilter } from './stub-task.js';
export type { DeadLetteredTask } from './run-attempt.js';
export type { VirtualClock } from './virtual-clock.js';
export { collectAfterResponse, setupAfterResponseCollector } from './after-response.js';
export type { AfterResponseCollector, AfterResponseRun } from './after-response.js';
export { taskRequest } from './task-request.js';
export type { TaskRequestOptions } from './task-request.js';
export { taskResponseProblem } from './task-response.js';
export { createSigningKey, signIdToken, encodeJwt, rs256, jwks } from './oidc-tokens.js';
export type { IdTokenClaims, SigningKey } from './oidc-tokens.js';
export type { CronFiring, CronJobRunResult, StubCron, StubCronJob } from './cron-jobs.js';
export { cronRequest } from './cron-request.js';
export type { CronRequestOptions } from './cron-request.js';
