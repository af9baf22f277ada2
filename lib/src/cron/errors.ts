/** cron.yaml's errors, each a deploy error (deploy/errors.ts) under its own name. */
import { DeployUsageError, GoogleApiCallError, YamlFileError } from '../deploy/errors.js';

export { formatProblem } from '../deploy/problems.js';

/** cron.yaml is missing, unreadable or invalid: `problems` has every one, at its line and column. */
export class CronYamlError extends YamlFileError {
  override name = 'CronYamlError';
}

/** The command line was wrong (unknown command or flag, missing project/location/service URL). Exit code 2. */
export class CronUsageError extends DeployUsageError {
  override name = 'CronUsageError';
}

/** Cloud Scheduler refused or failed a call: `hint` says what to do, IAM roles included. Exit code 3. */
export class CronApiError extends GoogleApiCallError {
  override name = 'CronApiError';
}
