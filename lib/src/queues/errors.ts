/** queue.yaml's errors, each a deploy error (deploy/errors.ts) under its own name. */
import { DeployUsageError, GoogleApiCallError, YamlFileError } from '../deploy/errors.js';

export { formatProblem } from '../deploy/problems.js';

/** queue.yaml is missing, unreadable or invalid: `problems` has every one, at its line and column. */
export class QueueYamlError extends YamlFileError {
  override name = 'QueueYamlError';
}

/** The command line was wrong (unknown command or flag, missing project/location). Exit code 2. */
export class QueuesUsageError extends DeployUsageError {
  override name = 'QueuesUsageError';
}

/** Cloud Tasks refused or failed a queue call: `hint` says what to do (a 403 names the role to grant). Exit code 3. */
export class QueuesApiError extends GoogleApiCallError {
  override name = 'QueuesApiError';
}
