import { DeferredError } from '../contract/errors.js';
import { formatProblem } from '../queues/errors.js';
import type { CronYamlProblem } from './types.js';

export { formatProblem };

/**
 * cron.yaml is missing, unreadable or invalid. `problems` holds every error found (all at once)
 * and the warnings; the message lists the errors, one `file:line:col: message` each.
 */
export class CronYamlError extends DeferredError {
  override name = 'CronYamlError';
  /** For the CLI: an invalid file (exit code 1). */
  readonly kind = 'invalid-file';
  constructor(
    readonly file: string,
    readonly problems: CronYamlProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`${file}: ${errors.length === 1 ? '1 problem' : `${errors.length} problems`}\n${errors.map(formatProblem).join('\n')}`);
  }
}

/** The command line was wrong (unknown command or flag, missing project/location/service URL). Exit code 2. */
export class CronUsageError extends DeferredError {
  override name = 'CronUsageError';
  readonly kind = 'usage';
}

/**
 * Cloud Scheduler refused or failed a call. `status` is the HTTP status when known, `code` the
 * gRPC code, `hint` what to do (a 403 names the roles to grant). Exit code 3.
 */
export class CronApiError extends DeferredError {
  override name = 'CronApiError';
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
