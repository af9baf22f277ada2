/** Base of every error this library throws on purpose; `name` is always the class's own. */
export class DeferredError extends Error {
  override name = 'DeferredError';
}

/** A setting in the environment is missing or malformed. */
export class ConfigError extends DeferredError {
  override name = 'ConfigError';
  constructor(
    readonly variables: string[],
    message: string,
  ) {
    super(message);
  }
}

/** `defer` was called with options it cannot honour (bad delay, eta and countdown together, ...). */
export class InvalidTaskOptionsError extends DeferredError {
  override name = 'InvalidTaskOptionsError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** The queue is not in queue.yaml, so Cloud Tasks would refuse (or worse, use a stray queue). */
export class UnknownQueueError extends DeferredError {
  override name = 'UnknownQueueError';
  constructor(
    readonly queue: string,
    readonly knownQueues: string[],
    readonly file: string,
  ) {
    super(
      `queue "${queue}" is not defined in ${file}; known queues: ${knownQueues.join(', ') || '(none)'}. Add it to ${file} and deploy it (npx next-cloud-tasks queues apply).`,
    );
  }
}

/**
 * `defer()` of a function the app's manifest does not list (the `manifest` option of
 * registerDeferred, or the task-queue stub's): its task would fail with 404 on every attempt.
 */
export class UnknownFunctionError extends DeferredError {
  override name = 'UnknownFunctionError';
  constructor(
    readonly functionId: string,
    readonly knownFunctions: readonly string[],
  ) {
    const shown = knownFunctions.slice(0, 10).join(', ') + (knownFunctions.length > 10 ? `, and ${knownFunctions.length - 10} more` : '');
    super(
      `defer(${functionId}): "${functionId}" is not in the app's manifest (the \`manifest\` option, which lists ${knownFunctions.length}: ${shown || 'none'}), ` +
        'so its task would fail with 404 on every attempt: add the function to createManifest([...]) in the manifest module the task route imports',
    );
  }
}

/** The encoded task would exceed Cloud Tasks' size limit. */
export class PayloadTooLargeError extends DeferredError {
  override name = 'PayloadTooLargeError';
  constructor(
    readonly fn: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `task for "${fn}" is ${bytes} bytes, over the ${limit}-byte limit of a Cloud Task; set DEFERRED_PAYLOAD_BUCKET=gs://BUCKET/PREFIX to have defer() keep big payloads in Cloud Storage (node_modules/next-cloud-tasks/docs/deploy-cloud-run.md), or store the data elsewhere and pass its key instead`,
    );
  }
}

/** A task of that name exists or existed recently (Cloud Tasks keeps names for ~1 h to 9 days). */
export class TaskAlreadyExistsError extends DeferredError {
  override name = 'TaskAlreadyExistsError';
  constructor(readonly taskName: string) {
    super(`task ${taskName} already exists (or existed recently: Cloud Tasks keeps task names for a while after the task ends)`);
  }
}

/** Cloud Tasks refused or failed a call; `code` is the gRPC status code. */
export class CloudTasksError extends DeferredError {
  override name = 'CloudTasksError';
  constructor(
    readonly code: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Throw from a deferred function when retrying can never help (App Engine's PermanentTaskFailure):
 * the handler answers 2xx so Cloud Tasks drops the task, and dead-letters it so nothing is lost silently.
 */
export class PermanentTaskFailure extends DeferredError {
  override name = 'PermanentTaskFailure';
}

/**
 * Throw from a deferred function to ask for a retry without an error in the logs
 * (App Engine's SingularTaskFailure): the handler answers 408 (as App Engine did) and logs at DEBUG.
 */
export class SingularTaskFailure extends DeferredError {
  override name = 'SingularTaskFailure';
}
