/**
 * The test kit: App Engine's taskqueue_stub habits in jest, plus what tests through HTTP need
 * (OIDC tokens signed as Google signs them, msw handlers for Google's endpoints).
 * Import it from tests only: it registers jest hooks and serves msw handlers.
 */
export { createTaskQueueStub, TaskQueueStub } from './task-queue-stub';
export type { TaskRunResult } from './task-queue-stub';
export { useTaskQueueStub } from './use-task-queue-stub';
export { TEST_ENQUEUE_CONFIG, TEST_HANDLER_CONFIG, STUB_DEFAULTS } from './stub-options';
export type { StubQueues, TaskQueueStubOptions } from './stub-options';
export type { StubTask, TaskAttempt, TaskFilter } from './stub-task';
export type { DeadLetteredTask } from './run-attempt';
export type { VirtualClock } from './virtual-clock';
export { collectAfterResponse, useAfterResponseCollector } from './after-response';
export type { AfterResponseCollector, AfterResponseRun } from './after-response';
export { taskRequest } from './task-request';
export type { TaskRequestOptions } from './task-request';
export { cloudTasksRestHandlers } from './cloud-tasks-rest';
export type { CloudTasksRestOptions } from './cloud-tasks-rest';
export { googleCertsHandler, GOOGLE_PEM_CERTS_URL } from './google-endpoints';
export { createSigningKey, signIdToken, encodeJwt, rs256, pemCerts } from './oidc-tokens';
export type { IdTokenClaims, SigningKey } from './oidc-tokens';
