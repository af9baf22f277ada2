/**
 * `next-cloud-tasks/internals`: building blocks the demo's own tests and benches reach for.
 * Not part of the public API: names here may change in any release.
 */
export { executeTask } from './handle/execute-task.js';
export type { AttemptInfo, ExecuteTaskOptions, TaskDelivery, TaskResult } from './handle/execute-task.js';
export { OUTCOMES, OUTCOME_HEADER, DEAD_LETTERED } from './contract/outcomes.js';
export type { Outcome, TaskOutcome } from './contract/outcomes.js';
export { readTaskHeaders, writeTaskHeaders } from './contract/task-headers.js';
export { encodeEnvelope, decodeEnvelope, encodeReferenceEnvelope, readReferenceEnvelope } from './contract/envelope.js';
export type { TaskEnvelope, PayloadReference, ReferenceEnvelope } from './contract/envelope.js';
export { setPayloadStore } from './runtime/payload-store.js';
export type { PayloadStore } from './runtime/payload-store.js';
export { readEnqueueConfig, readHandlerConfig, resetConfigCache } from './runtime/config.js';
export type { EnqueueConfig, HandlerConfig } from './runtime/config.js';
export { createCloudTasksTransport } from './enqueue/cloud-tasks-transport.js';
export type { CloudTasksTransportOptions } from './enqueue/cloud-tasks-transport.js';
export { prewarmDefer } from './enqueue/defer.js';
export { queueCatalog, setQueueCatalog, catalogFrom } from './runtime/queue-catalog.js';
export type { QueueCatalog } from './runtime/queue-catalog.js';
export { withEnqueueRetries } from './enqueue/enqueue-retry.js';
export type { EnqueueRetryOptions } from './enqueue/enqueue-retry.js';
export { traceparentFromHeaders } from './runtime/trace.js';
export { resetTokenVerifier } from './handle/verify-token.js';
export { createCloudTasksClient } from './contract/cloud-tasks-client.js';
export { lateFetch } from './contract/late-fetch.js';
export { backoffSeconds, shouldRetry } from './contract/retry-policy.js';
