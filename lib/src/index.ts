/**
 * next-cloud-tasks: App Engine's `deferred` for Next.js on Cloud Run. This entry is the
 * framework-free core (defer, the handler, the task context, errors, events); the Next.js glue
 * is `next-cloud-tasks/next`, the next.config wrapper `next-cloud-tasks/config`.
 */
export { deferrable, createManifest } from './runtime/registry.js';
export type { DeferrableFunction, Manifest } from './runtime/registry.js';
export { defer, setTaskTransport } from './enqueue/defer.js';
export { cancelTask } from './enqueue/cancel-task.js';
export type { DeferOptions } from './enqueue/task-options.js';
export type { TaskTransport, CreateTaskRequest, CreatedTask } from './contract/transport.js';
export { handleDeferredRequest } from './handle/handler.js';
export type { HandlerOptions } from './handle/handler.js';
export type { DeadLetterEntry, DeadLetterReceipt, DeadLetterSink } from './handle/dead-letter.js';
export { logDeadLetter } from './handle/dead-letter.js';
export { cloudTasksDeadLetterSink } from './handle/cloud-tasks-dead-letter-sink.js';
export type { CloudTasksDeadLetterSinkOptions } from './handle/cloud-tasks-dead-letter-sink.js';
export { verifyCronRequest } from './handle/verify-cron-request.js';
export type { CronRequestVerdict, VerifyCronRequestOptions } from './handle/verify-cron-request.js';
export type { SchedulerHeaders } from './contract/scheduler-headers.js';
export { getTaskContext } from './runtime/task-context.js';
export type { TaskContext } from './runtime/task-context.js';
export type { TaskHeaders } from './contract/task-headers.js';
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
} from './contract/errors.js';
export { EnvelopeDecodeError, EnvelopeEncodeError } from './contract/envelope.js';
export { onTaskEvent } from './runtime/events.js';
export type { TaskEventMap, TaskEventName, DeadLetterReason } from './runtime/events.js';
export { listConfigProblems } from './runtime/config.js';
export type { ConfigProblem } from './runtime/config.js';
export { setLogWriter } from './runtime/logger.js';
export type { LogEntry, LogWriter, Severity } from './runtime/logger.js';
export { setTraceProvider } from './runtime/trace.js';
export type { TraceProvider } from './runtime/trace.js';
export { MAX_TASK_BYTES } from './contract/limits.js';
