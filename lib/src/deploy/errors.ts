/**
 * The three kinds of error a deploy (queue.yaml to Cloud Tasks, cron.yaml to Cloud Scheduler)
 * ends with, each with the `kind` the CLI maps to its exit code: the file is invalid (1), the
 * command line is wrong (2), Google's API refused or failed a call (3). queues/ and cron/ name
 * their own subclasses (QueueYamlError, CronApiError, ...), so a caller catches the one it means.
 */
import { DeferredError } from '../contract/errors.js';
import { formatProblem, type YamlProblem } from './problems.js';

/**
 * A YAML file is missing, unreadable or invalid. `problems` holds every error found (all at once)
 * and the warnings (severity 'warning'); the message lists the errors, one `file:line:col: message` each.
 */
export class YamlFileError extends DeferredError {
  readonly kind = 'invalid-file';
  constructor(
    readonly file: string,
    readonly problems: YamlProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(`${file}: ${count}\n${errors.map(formatProblem).join('\n')}`);
  }
}

/** The command line was wrong (unknown command or flag, a missing project or location). */
export class DeployUsageError extends DeferredError {
  readonly kind = 'usage';
}

/**
 * A Google API (Cloud Tasks, Cloud Scheduler) refused or failed a call of a deploy. `status` is
 * the HTTP status when known, `code` the gRPC code, `hint` says what to do (a 403 names the role to grant).
 */
export class GoogleApiCallError extends DeferredError {
  readonly kind = 'api';
  constructor(
    readonly operation: string,
    readonly code: number | undefined,
    readonly status: number | undefined,
    readonly hint: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed: ${detail}${hint ? `\n  ${hint}` : ''}`, options);
  }
}

/** The file's own error class (QueueYamlError, CronYamlError): what parsing a file of that kind throws. */
export type YamlFileErrorClass = new (file: string, problems: YamlProblem[]) => YamlFileError;

/** A deploy's own API error class (QueuesApiError, CronApiError). */
export type ApiCallErrorClass = new (...args: ConstructorParameters<typeof GoogleApiCallError>) => GoogleApiCallError;
