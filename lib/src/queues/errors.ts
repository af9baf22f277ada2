import { DeferredError } from '../contract/errors.js';
import type { QueueYamlProblem } from './types.js';

/** `file:line:column: message`, the format editors and CI annotations understand. */
export function formatProblem(p: QueueYamlProblem): string {
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.file}:${p.line}:${p.column}: ${tag}${p.message}`;
}

/**
 * A YAML file (queue.yaml, cron.yaml) is missing, unreadable or invalid. `problems` holds every
 * error found (all at once) and the warnings (severity 'warning'); the message lists the errors,
 * one `file:line:col: message` each.
 */
export class YamlFileError extends DeferredError {
  /** For the CLI: an invalid file (exit code 1). */
  readonly kind = 'invalid-file';
  constructor(
    readonly file: string,
    readonly problems: QueueYamlProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(`${file}: ${count}\n${errors.map(formatProblem).join('\n')}`);
  }
}

/** queue.yaml is missing, unreadable or invalid (see YamlFileError). */
export class QueueYamlError extends YamlFileError {
  override name = 'QueueYamlError';
}

/** The command line was wrong (unknown command or flag, missing project/location). Exit code 2. */
export class QueuesUsageError extends DeferredError {
  override name = 'QueuesUsageError';
  readonly kind = 'usage';
}

/**
 * A Google API (Cloud Tasks, Cloud Scheduler) refused or failed a call of a deploy command.
 * `status` is the HTTP status when known, `code` the gRPC code, `hint` says what to do (a 403
 * names the role to grant). Exit code 3.
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

/** Cloud Tasks refused or failed a queue call. */
export class QueuesApiError extends GoogleApiCallError {
  override name = 'QueuesApiError';
}
