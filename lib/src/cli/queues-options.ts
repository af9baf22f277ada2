import { ENV, envText } from '../contract/env.js';
import { QueuesUsageError } from '../queues/errors.js';
import { requireProjectAndLocation } from './command-line.js';
import { parseDeployCommandLine, type DeployCliOptions } from './deploy-command.js';

/** Every option of `next-cloud-tasks queues`: the deploy commands' (project from GOOGLE_CLOUD_PROJECT, location from CLOUD_TASKS_LOCATION), and the emulator. */
export interface QueuesCliOptions extends DeployCliOptions {
  /** Env CLOUD_TASKS_EMULATOR_HOST (host:port): talk to the local emulator, no credentials. */
  emulatorHost?: string;
}

export const USAGE = `Usage: npx next-cloud-tasks queues <validate|plan|apply|check> [options]

Deploys App Engine's queue.yaml to Cloud Tasks through its API (never use
\`gcloud app deploy queue.yaml\` next to it: that disables every queue the file omits).

Commands:
  validate   check queue.yaml alone (App Engine's rules), no network
  plan       compare queue.yaml with the live queues; print create / update / unchanged /
             not-in-file; change nothing
  apply      create and update queues (changed fields only), pause/resume for rate 0;
             never deletes; a second apply reports no changes
  check      like plan, but exit 1 when the live queues differ from queue.yaml (for CI)

Options:
  --file PATH       queue.yaml to read (default: queue.yaml)
  --project ID      Google Cloud project (default: $GOOGLE_CLOUD_PROJECT)
  --location L      Cloud Tasks location, e.g. us-central1 (default: $CLOUD_TASKS_LOCATION)
  --pause-missing   pause live queues that queue.yaml does not list (default: report them only)
  --json            print one JSON document instead of text
  --markdown        print the plan as Markdown (for $GITHUB_STEP_SUMMARY)
  -h, --help        show this help

Credentials: Application Default Credentials (gcloud auth application-default login, or
google-github-actions/auth in CI). CLOUD_TASKS_EMULATOR_HOST=host:port uses the local emulator.
apply needs roles/cloudtasks.queueAdmin; plan/check need roles/cloudtasks.viewer.

Exit codes:
  0  success; for check: no drift
  1  queue.yaml is invalid, or check found drift
  2  usage error (unknown command or flag, missing --project/--location)
  3  Cloud Tasks API error (permission, quota, network); the message names the cause
`;

/** Parses argv (without node and script) and the environment into options. */
export function parseCliOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): QueuesCliOptions {
  const { options, project, location } = parseDeployCommandLine(argv, {}, QueuesUsageError, 'queue.yaml');
  return {
    ...options,
    project: project ?? envText(env, ENV.project),
    location: location ?? envText(env, ENV.location),
    emulatorHost: envText(env, ENV.emulatorHost),
  };
}

/** Project and location, or a usage error naming the flag and the variable to set. */
export function requireTarget(options: QueuesCliOptions): { project: string; location: string } {
  return requireProjectAndLocation(options, options.command, QueuesUsageError);
}
