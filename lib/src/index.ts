/**
 * next-cloud-tasks: App Engine's `deferred` for Next.js on Cloud Run. This entry is the
 * framework-free core (defer, the handler, the task context, errors, events, the options); the
 * Next.js glue is `next-cloud-tasks/next` (registerDeferred takes the options), the next.config
 * wrapper `next-cloud-tasks/config`. docs/API.md lists every export of every entry.
 */
export { deferrable, createManifest } from './runtime/registry.js';
export type { DeferrableFunction, Manifest, ManifestEntry } from './runtime/registry.js';
export { defer } from './enqueue/defer.js';
export { deferMany } from './enqueue/defer-many.js';
export type { DeferManyCall, DeferManyOptions } from './enqueue/defer-many-calls.js';
export { registerClass } from './runtime/class-registry.js';
export type { RegistrableClass } from './runtime/class-registry.js';
export type { Carried, CarriedArgs, CannotTravelInATask, RegisteredClasses, WhyCannotTravel } from './contract/carried.js';
export { cancelTask } from './enqueue/cancel-task.js';
export { cancelMany } from './enqueue/cancel-many.js';
export type { CancelManyOptions } from './enqueue/cancel-many.js';
export { DeferManyError, CancelManyError, InvalidCallError } from './enqueue/fan-out-results.js';
export type { DeferManyItem, DeferManyResult, CancelManyItem, CancelManyResult } from './enqueue/fan-out-results.js';
export type { DeferOptions } from './enqueue/task-options.js';
export type { TaskRetryOptions } from './enqueue/task-retry.js';
export type { RetryConfig } from './contract/queue-settings.js';
export type { TraceOptions, TraceProvider } from './runtime/trace.js';
export type { CloudTasksOptions } from './runtime/options.js';
export type {
  TaskTransport,
  CreateTaskRequest,
  CreatedTask,
  CreateTaskOutcome,
  DeleteTaskOutcome,
  BatchCall,
} from './contract/transport.js';
export { handleDeferredRequest } from './handle/handler.js';
export type { HandlerOptions } from './handle/handler.js';
export type { AttemptInfo } from './handle/execute-task.js';
export type { DeadLetterEntry, DeadLetterReceipt, DeadLetterSink } from './runtime/dead-letter-sink.js';
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
  UnknownFunctionError,
  PayloadTooLargeError,
  TaskAlreadyExistsError,
  CloudTasksError,
  PermanentTaskFailure,
  SingularTaskFailure,
} from './contract/errors.js';
export { EnvelopeDecodeError, EnvelopeEncodeError } from './contract/envelope.js';
export type { TaskEventListener, TaskEventMap, TaskEventName, DeadLetterReason } from './runtime/events.js';
export type { LogEntry, LogWriter, Severity } from './runtime/logger.js';
export { MAX_TASK_BYTES } from './contract/limits.js';
