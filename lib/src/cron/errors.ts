import { DeferredError } from '../contract/errors.js';
import { formatProblem, GoogleApiCallError, YamlFileError } from '../queues/errors.js';

export { formatProblem };

/** cron.yaml is missing, unreadable or invalid (see YamlFileError). */
export class CronYamlError extends YamlFileError {
  override name = 'CronYamlError';
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
