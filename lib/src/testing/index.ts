/**
 * `next-cloud-tasks/testing`: App Engine's taskqueue_stub habits in jest (list the queued tasks,
 * run one, a virtual clock), a test's own options (a log writer, a transport: the options
 * registerDeferred takes), runAfterResponse collected instead of run, and what tests through
 * HTTP need (task requests with OIDC tokens signed as Google signs them). No msw and no jest
 * globals at import; msw's handlers for Google's endpoints are `next-cloud-tasks/testing/msw`.
 */
export { createTaskQueueStub } from './task-queue-stub.js';
export type { RunTaskOptions, TaskQueueStub, TaskRunResult } from './task-queue-stub.js';
export type { TaskResult } from '../handle/execute-task.js';
export type { TaskOutcome } from '../contract/outcomes.js';
export type { QueueCatalog } from '../runtime/queue-catalog.js';
export type { PayloadStore } from '../runtime/payload-store-types.js';
export type { MemoryPayloadStore } from './memory-payload-store.js';
export { setupTaskQueueStub } from './setup-task-queue-stub.js';
export { TEST_OPTIONS } from './stub-options.js';
export type { StubQueues, TaskQueueStubOptions } from './stub-options.js';
export type { StubTask, TaskAttempt, TaskFilter } from './stub-task.js';
export type { DeadLetteredTask } from './run-attempt.js';
export type { VirtualClock } from './virtual-clock.js';
export { applyTestOptions, setupTestOptions } from './test-options.js';
export { collectAfterResponse, setupAfterResponseCollector } from './after-response.js';
export type { AfterResponseCollector, AfterResponseRun } from './after-response.js';
export { taskRequest } from './task-request.js';
export type { TaskRequestOptions } from './task-request.js';
export { taskResponseProblem } from './task-response.js';
export { createSigningKey, signIdToken, encodeJwt, rs256, jwks } from './oidc-tokens.js';
export type { IdTokenClaims, SigningKey } from './oidc-tokens.js';
export type { CronFiring, CronJobRunResult, StubCron, StubCronJob } from './cron-jobs.js';
export type { CronJobTarget } from '../cron/types.js';
export { cronRequest } from './cron-request.js';
export type { CronRequestOptions } from './cron-request.js';
