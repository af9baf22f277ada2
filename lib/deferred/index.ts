/**
 * App Engine's `deferred` for Next.js on Cloud Run: the framework-free core.
 * Next.js glue (runAfterResponse, the route) is in `lib/deferred/next`.
 */
export { deferrable, createManifest } from './registry';
export type { DeferrableFunction, Manifest } from './registry';
export { defer, setTaskTransport } from './defer';
export type { DeferOptions } from './task-options';
export { handleDeferredRequest } from './handler';
export type { HandlerOptions } from './handler';
export { executeTask, isLastAttemptPerQueueYaml } from './execute-task';
export type { AttemptInfo, ExecuteTaskOptions, TaskDelivery, TaskResult } from './execute-task';
export { STATUS_BY_OUTCOME } from './task-outcome';
export type { TaskOutcome } from './task-outcome';
export { getTaskContext, readTaskHeaders, writeTaskHeaders } from './task-context';
export type { TaskContext, TaskHeaders } from './task-context';
export {
  DeferredError,
  ConfigError,
  InvalidTaskOptionsError,
  UnknownQueueError,
  PayloadTooLargeError,
  TaskAlreadyExistsError,
  CloudTasksError,
  PermanentTaskFailure,
  SingularTaskFailure,
} from './errors';
export { logDeadLetter } from './dead-letter';
export type { DeadLetterEntry, DeadLetterSink } from './dead-letter';
export { onTaskEvent } from './events';
export type { TaskEventMap, TaskEventName, DeadLetterReason } from './events';
export { listConfigProblems, readEnqueueConfig, readHandlerConfig, resetConfigCache } from './config';
export type { ConfigProblem, EnqueueConfig, HandlerConfig } from './config';
export { encodeEnvelope, decodeEnvelope, EnvelopeDecodeError, EnvelopeEncodeError } from './envelope';
export type { TaskEnvelope } from './envelope';
export { createCloudTasksTransport } from './cloud-tasks-transport';
export type { CloudTasksTransportOptions } from './cloud-tasks-transport';
export type { TaskTransport, CreateTaskRequest, CreatedTask } from './transport';
export { queueCatalog, loadQueueCatalog, setQueueCatalog, catalogFrom } from './queue-catalog';
export type { QueueCatalog } from './queue-catalog';
export { setLogWriter } from './logger';
export type { LogEntry, LogWriter, Severity } from './logger';
export { MAX_TASK_BYTES, MAX_SCHEDULE_AHEAD_MS } from './limits';
export { withEnqueueRetries, DEFAULT_ENQUEUE_RETRY } from './enqueue-retry';
export type { EnqueueRetryOptions } from './enqueue-retry';
export { setTraceProvider, traceparentFromHeaders, validTraceparent } from './trace';
export type { TraceOptions, TraceProvider } from './trace';
