import { ENV, envText } from '../contract/env.js';
import { QueuesUsageError } from '../queues/errors.js';
import { checkCommand, parseFlags, requireProjectAndLocation } from './command-line.js';

export const DEAD_LETTER_COMMANDS = ['list', 'inspect', 'replay', 'delete'] as const;
export type DeadLettersCommand = (typeof DEAD_LETTER_COMMANDS)[number];

/** Every option of `next-cloud-tasks dead-letters`, with its flag, environment fallback and default. */
export interface DeadLettersCliOptions {
  command: DeadLettersCommand;
  /** Task ids or full names (inspect: exactly one; replay/delete: one or more, or `--all`). */
  tasks: string[];
  /** `--all`: replay or delete every dead task listed (within `--queue`). @default false */
  all: boolean;
  /** `--queue`: a queue (its dead tasks) or a dead-letter queue. @default every dead-letter queue in queue.yaml */
  queue?: string;
  /** `--file`. @default 'queue.yaml' */
  file: string;
  /** `--project`, else env GOOGLE_CLOUD_PROJECT. */
  project?: string;
  /** `--location`, else env CLOUD_TASKS_LOCATION. */
  location?: string;
  /** `--json`: one JSON document on stdout instead of text. @default false */
  json: boolean;
  /** Env CLOUD_TASKS_EMULATOR_HOST (host:port): talk to the local emulator, no credentials. */
  emulatorHost?: string;
  help: boolean;
}

const DEFAULTS = { file: 'queue.yaml', all: false, json: false, help: false } satisfies Partial<DeadLettersCliOptions>;

export const DEAD_LETTERS_USAGE = `Usage: next-cloud-tasks dead-letters <list|inspect|replay|delete> [TASK...] [options]

Dead tasks kept by the handler's dead-letter sink in the paused dead-letter queues that
queue.yaml declares (\`dead_letter_queue: true\` on a queue, then \`next-cloud-tasks queues apply\`).

Commands:
  list              a table of the dead tasks: task, queue, function, reason, attempts, when, error
  inspect TASK      one dead task: its decoded payload (function id and arguments), why it died,
                    its attempts, URL and headers
  replay TASK...    create each again, unchanged, in the queue it came from (it runs as a new
                    task, attempts from zero), then remove it from the dead-letter queue
  delete TASK...    remove dead tasks for good

TASK is the id \`list\` shows, a task's full name, or the id the task had in its own queue (as the
logs name it). replay and delete take --all instead, for every dead task listed.

Options:
  --queue NAME      only this queue's dead tasks (or this dead-letter queue's); default: every
                    dead-letter queue queue.yaml declares
  --all             replay / delete: every dead task (within --queue)
  --file PATH       queue.yaml to read (default: queue.yaml)
  --project ID      Google Cloud project (default: $GOOGLE_CLOUD_PROJECT)
  --location L      Cloud Tasks location, e.g. us-central1 (default: $CLOUD_TASKS_LOCATION)
  --json            print one JSON document instead of text
  -h, --help        show this help

Credentials: Application Default Credentials (gcloud auth application-default login).
CLOUD_TASKS_EMULATOR_HOST=host:port uses the local emulator. Roles: list needs
roles/cloudtasks.viewer; inspect also cloudtasks.tasks.fullView (roles/cloudtasks.taskRunner or
roles/cloudtasks.enqueuer); replay roles/cloudtasks.enqueuer on the original queue,
roles/iam.serviceAccountUser on the tasks' service account and roles/cloudtasks.taskDeleter;
delete roles/cloudtasks.taskDeleter.

Exit codes:
  0  success
  1  queue.yaml is invalid or missing
  2  usage error (unknown command or flag, no TASK, missing --project/--location, no dead-letter queue)
  3  Cloud Tasks API error, or no such dead task; the message names the cause
`;

/** Parses argv (after `dead-letters`) and the environment into options. */
export function parseDeadLettersOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): DeadLettersCliOptions {
  const { values, positionals } = parseFlags(
    argv,
    {
      queue: { type: 'string' },
      all: { type: 'boolean' },
      file: { type: 'string' },
      project: { type: 'string' },
      location: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    QueuesUsageError,
  );
  const help = values.help ?? DEFAULTS.help;
  const [command, ...tasks] = positionals;
  const options: DeadLettersCliOptions = {
    command: (command ?? 'list') as DeadLettersCommand,
    tasks,
    all: values.all ?? DEFAULTS.all,
    queue: values.queue,
    file: values.file ?? DEFAULTS.file,
    project: values.project ?? envText(env, ENV.project),
    location: values.location ?? envText(env, ENV.location),
    json: values.json ?? DEFAULTS.json,
    emulatorHost: envText(env, ENV.emulatorHost),
    help,
  };
  if (help) return options;
  checkCommand(command, DEAD_LETTER_COMMANDS, QueuesUsageError);
  checkTasks(options);
  return options;
}

function checkTasks({ command, tasks, all }: DeadLettersCliOptions): void {
  if (command === 'list') {
    if (tasks.length) throw new QueuesUsageError(`list takes no task ("${tasks[0]}"); to see one task: dead-letters inspect ${tasks[0]}`);
    if (all) throw new QueuesUsageError('--all goes with replay or delete, not list');
  } else if (command === 'inspect') {
    if (tasks.length !== 1) {
      throw new QueuesUsageError(`inspect takes exactly one TASK (an id from \`dead-letters list\`), got ${tasks.length}`);
    }
    if (all) throw new QueuesUsageError('--all goes with replay or delete, not inspect');
  } else if (all && tasks.length) {
    throw new QueuesUsageError(`${command} takes either TASK ids or --all, not both`);
  } else if (!all && !tasks.length) {
    throw new QueuesUsageError(`${command} needs the TASK ids to ${command} (see \`dead-letters list\`), or --all for every dead task`);
  }
}

/** Project and location, or a usage error naming the flag and the variable to set. */
export function requireDeadLettersTarget(options: DeadLettersCliOptions): { project: string; location: string } {
  return requireProjectAndLocation(options, `dead-letters ${options.command}`, QueuesUsageError);
}
