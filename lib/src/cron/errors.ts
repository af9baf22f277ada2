import { DeferredError } from '../contract/errors.js';
import { formatProblem, GoogleApiCallError } from '../queues/errors.js';
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

/** Cloud Scheduler refused or failed a call (see GoogleApiCallError). Exit code 3. */
export class CronApiError extends GoogleApiCallError {
  override name = 'CronApiError';
}
