import { ENV, envText } from '../contract/env.js';
import { QueuesUsageError } from '../queues/errors.js';
import { deployCommand, parseFlags, requireProjectAndLocation } from './command-line.js';

export const COMMANDS = ['validate', 'plan', 'apply', 'check'] as const;
export type QueuesCommand = (typeof COMMANDS)[number];

/** Every option of the CLI, with its flag, environment fallback and default. */
export interface QueuesCliOptions {
  command: QueuesCommand;
  /** `--file`. @default 'queue.yaml' */
  file: string;
  /** `--project`, else env GOOGLE_CLOUD_PROJECT. Required by plan/apply/check. */
  project?: string;
  /** `--location`, else env CLOUD_TASKS_LOCATION. Required by plan/apply/check. */
  location?: string;
  /** `--pause-missing`: pause live queues absent from the file. @default false (reported only) */
  pauseMissing: boolean;
  /** `--json`: one JSON document on stdout instead of text. @default false */
  json: boolean;
  /** `--markdown`: the plan as a Markdown table (for $GITHUB_STEP_SUMMARY). @default false */
  markdown: boolean;
  /** Env CLOUD_TASKS_EMULATOR_HOST (host:port): talk to the local emulator, no credentials. */
  emulatorHost?: string;
  help: boolean;
}

const DEFAULTS = { file: 'queue.yaml', pauseMissing: false, json: false, markdown: false, help: false } satisfies Partial<QueuesCliOptions>;

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
  const { values, positionals } = parseFlags(
    argv,
    {
      file: { type: 'string' },
      project: { type: 'string' },
      location: { type: 'string' },
      'pause-missing': { type: 'boolean' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    QueuesUsageError,
  );
  const help = values.help ?? DEFAULTS.help;
  const command = deployCommand(positionals, values, help, COMMANDS, QueuesUsageError);
  return {
    command: command ?? 'validate',
    file: values.file ?? DEFAULTS.file,
    project: values.project ?? envText(env, ENV.project),
    location: values.location ?? envText(env, ENV.location),
    pauseMissing: values['pause-missing'] ?? DEFAULTS.pauseMissing,
    json: values.json ?? DEFAULTS.json,
    markdown: values.markdown ?? DEFAULTS.markdown,
    emulatorHost: envText(env, ENV.emulatorHost),
    help,
  };
}

/** Project and location, or a usage error naming the flag and the variable to set. */
export function requireTarget(options: QueuesCliOptions): { project: string; location: string } {
  return requireProjectAndLocation(options, options.command, QueuesUsageError);
}
