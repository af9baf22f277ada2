/**
 * `next-cloud-tasks dead-letters list|inspect|replay|delete`: the dead tasks the handler's
 * dead-letter sink keeps in paused dead-letter queues, against Cloud Tasks or the emulator alike
 * (both through the Cloud Tasks REST API). Everything it shows comes from the dead task itself:
 * its body and its X-Deferred-Dead-* headers, never from the logs.
 */
import { createDeadLetterAdmin, isNotFound, type DeadLetterAdmin, type StoredTask } from '../queues/dead-letter-admin.js';
import type { CloudTasksAdminOptions } from '../queues/cloud-tasks-admin.js';
import { QueuesApiError, QueuesUsageError } from '../queues/errors.js';
import { loadQueueYaml } from '../queues/parse.js';
import type { QueueFile } from '../queues/types.js';
import { readDeadLetterHeaders, withoutDeadLetterHeaders, type DeadLetterMetadata } from '../contract/dead-letter-headers.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { envelopeRetry } from '../contract/envelope.js';
import type { RetryConfig } from '../contract/queue-settings.js';
import { queuePath, shortId, TASK_ID } from '../contract/names.js';
import {
  DEAD_LETTERS_USAGE,
  parseDeadLettersOptions,
  requireDeadLettersTarget,
  type DeadLettersCliOptions,
} from './dead-letters-options.js';
import { formatDeadTask, formatDeadTaskTable, inspectJson, listJson } from './dead-letters-format.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './command-failure.js';
import { runCommand } from './file-command.js';

export interface DeadLettersIo extends CommandIo {
  /** How to reach Cloud Tasks; tests inject one. @default createDeadLetterAdmin */
  createAdmin?: (options: CloudTasksAdminOptions) => DeadLetterAdmin;
  /** Extra admin options (an `authClient`, short 429 delays), merged into what the CLI passes. */
  adminOptions?: Partial<CloudTasksAdminOptions>;
}

/** A task of a dead-letter queue, with what its headers say about its death. */
export interface DeadTask {
  task: StoredTask;
  /** Short id in the dead-letter queue. */
  id: string;
  deadLetterQueue: string;
  /** Undefined for a task that the dead-letter sink did not put there. */
  meta?: DeadLetterMetadata;
}

/** Which dead-letter queues to look in, and whose dead tasks (for a shared one). */
interface Scope {
  deadLetterQueues: string[];
  /** Only dead tasks that came from this queue. */
  from?: string;
}

interface Context {
  options: DeadLettersCliOptions;
  admin: DeadLetterAdmin;
  scope: Scope;
  target: string;
  path: (queue: string) => string;
  io: DeadLettersIo;
  /** The dead tasks, listed once for every TASK argument given by its original id (all are resolved before any is acted on). */
  listed?: ReturnType<typeof listDeadTasks>;
}

/** Runs `next-cloud-tasks dead-letters ...` and returns its exit code (see EXIT); never calls process.exit. */
export function runDeadLettersCli(argv: string[], io: DeadLettersIo): Promise<number> {
  return runCommand(argv, io, {
    parse: parseDeadLettersOptions,
    usage: DEAD_LETTERS_USAGE,
    async run(options) {
      const scope = scopeOf(loadQueueYaml(options.file), options.queue);
      const { project, location } = requireDeadLettersTarget(options);
      const admin = (io.createAdmin ?? createDeadLetterAdmin)({
        project,
        location,
        emulatorHost: options.emulatorHost,
        ...io.adminOptions,
      });
      const target = `projects/${project}/locations/${location}${options.emulatorHost ? ` (emulator at ${options.emulatorHost})` : ''}`;
      const context: Context = { options, admin, scope, target, path: (queue) => queuePath({ project, location, queue }), io };
      try {
        return await COMMANDS[options.command](context);
      } finally {
        await admin.close?.();
      }
    },
  });
}

/** The dead-letter queues queue.yaml declares, all of them or those of `--queue`. */
function scopeOf(file: QueueFile, queue: string | undefined): Scope {
  const all = file.queues.filter((q) => q.deadLetterFor).map((q) => q.name);
  if (all.length === 0) {
    throw new QueuesUsageError(
      `${file.file} declares no dead-letter queue, so dead tasks are only in the logs: ` +
        'add "dead_letter_queue: true" to a queue, then run `next-cloud-tasks queues apply`',
    );
  }
  if (queue === undefined) return { deadLetterQueues: all };
  const named = file.queues.find((q) => q.name === queue);
  if (named?.deadLetterFor) return { deadLetterQueues: [queue] };
  if (named?.deadLetterQueue) return { deadLetterQueues: [named.deadLetterQueue.name], from: queue };
  const why = named ? `queue "${queue}" has no dead_letter_queue in ${file.file}` : `${file.file} has no queue "${queue}"`;
  throw new QueuesUsageError(`${why}; --queue takes a queue with a dead_letter_queue, or a dead-letter queue: ${all.join(', ')}`);
}

const COMMANDS: Record<DeadLettersCliOptions['command'], (context: Context) => Promise<number>> = {
  async list(context) {
    const { tasks, missing } = await listDeadTasks(context);
    const { io, options, target, scope } = context;
    if (options.json) io.stdout(JSON.stringify(listJson(tasks, target, scope.deadLetterQueues, missing), null, 2));
    else io.stdout(formatDeadTaskTable(tasks, target, scope.deadLetterQueues));
    for (const error of missing) io.stderr(`${error.name}: ${error.message}`);
    return missing.length ? EXIT.api : EXIT.ok;
  },

  async inspect(context) {
    const dead = await resolveTask(context, context.options.tasks[0]);
    context.io.stdout(context.options.json ? JSON.stringify(inspectJson(dead), null, 2) : formatDeadTask(dead));
    return EXIT.ok;
  },

  async replay(context) {
    return eachTask(context, 'replayed', async (dead) => {
      const full = dead.task.body === undefined ? ((await context.admin.getTask(dead.task.name)) ?? dead.task) : dead.task;
      const from = dead.meta?.queue;
      if (!from) {
        const hint = 'Only tasks that the dead-letter sink kept can be replayed: move this one by hand, or delete it.';
        const detail = 'it carries no X-Deferred-Dead-Queue header, so its queue is unknown';
        throw new QueuesApiError(`replay ${dead.task.name}`, undefined, undefined, hint, detail);
      }
      const replayed = await createIn(context, from, dead, {
        url: full.url,
        // The task's own headers: ours go, and Cloud Tasks sets User-Agent itself.
        headers: Object.fromEntries(
          Object.entries(withoutDeadLetterHeaders(full.headers)).filter(([name]) => name.toLowerCase() !== 'user-agent'),
        ),
        ...(full.body ? { body: full.body } : {}),
        ...(full.oidcToken ? { oidcToken: full.oidcToken } : {}),
        ...(full.dispatchDeadlineSeconds ? { dispatchDeadlineSeconds: full.dispatchDeadlineSeconds } : {}),
        // Its own retry settings again, if it was deferred with some: the handler reads them from the body.
        ...withRetryOf(full.body),
      });
      try {
        await context.admin.deleteTask(dead.task.name);
      } catch (error) {
        const hint =
          `It was replayed as ${replayed}, but is still in ${dead.deadLetterQueue}: ` +
          `delete it (next-cloud-tasks dead-letters delete ${dead.id}) so it is not replayed twice.`;
        const { code, status, message } = error as QueuesApiError;
        throw new QueuesApiError(`remove ${dead.task.name} after its replay`, code, status, hint, String(message).split('\n')[0]);
      }
      const fn = dead.meta?.functionId ?? 'unknown function';
      const line = `replayed ${dead.id} (${fn}) to queue ${from} as ${shortId(replayed)}; removed from ${dead.deadLetterQueue}`;
      return { as: replayed, line };
    });
  },

  async delete(context) {
    return eachTask(context, 'deleted', async (dead) => {
      await context.admin.deleteTask(dead.task.name);
      return { line: `deleted ${dead.id} (${dead.meta?.functionId ?? 'unknown function'}) from ${dead.deadLetterQueue}` };
    });
  },
};

function withRetryOf(body: Buffer | undefined): { retry?: RetryConfig } {
  const retry = body ? envelopeRetry(body) : undefined;
  return retry ? { retry } : {};
}

/** createTask in the queue a dead task came from; a queue that is gone is said so, with what to do. */
type NewTask = Parameters<DeadLetterAdmin['createTask']>[1];

async function createIn(context: Context, queue: string, dead: DeadTask, task: NewTask): Promise<string> {
  try {
    return await context.admin.createTask(queue, task);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const hint =
      `The queue ${queue}, where ${dead.id} came from, does not exist in ${context.target}: ` +
      `create it (next-cloud-tasks queues apply), or delete the dead task. It stays in ${dead.deadLetterQueue}.`;
    throw new QueuesApiError(`replay ${dead.task.name}`, error.code, error.status, hint, 'its queue was not found', { cause: error });
  }
}

/** Runs `act` on each TASK (or every one with --all); the others still run when one fails. */
type Act = (dead: DeadTask) => Promise<{ as?: string; line: string }>;

async function eachTask(context: Context, verb: 'replayed' | 'deleted', act: Act): Promise<number> {
  const { io, options } = context;
  let targets: DeadTask[];
  const failed: { task: string; error: string }[] = [];
  if (options.all) {
    const { tasks, missing } = await listDeadTasks(context);
    for (const error of missing) failed.push({ task: '(list)', error: error.message });
    targets = tasks;
  } else {
    targets = [];
    for (const arg of options.tasks) {
      try {
        targets.push(await resolveTask(context, arg));
      } catch (error) {
        if (!(error instanceof QueuesApiError)) throw error;
        failed.push({ task: arg, error: error.message });
      }
    }
  }
  const done: { task: string; as?: string }[] = [];
  for (const dead of targets) {
    try {
      const result = await act(dead);
      done.push({ task: dead.task.name, ...(result.as ? { as: result.as } : {}) });
      if (!options.json) io.stdout(result.line);
    } catch (error) {
      if (!(error instanceof QueuesApiError)) throw error;
      failed.push({ task: dead.task.name, error: error.message });
    }
  }
  if (options.json) io.stdout(JSON.stringify({ command: options.command, target: context.target, [verb]: done, failed }, null, 2));
  else if (!targets.length && !failed.length) io.stdout(`No dead tasks in ${context.scope.deadLetterQueues.join(', ')}: nothing ${verb}.`);
  for (const f of failed) io.stderr(`${f.task}: ${f.error}`);
  return failed.length ? EXIT.api : EXIT.ok;
}

function deadTaskOf(task: StoredTask, deadLetterQueue: string): DeadTask {
  const meta = readDeadLetterHeaders(task.headers);
  return { task, id: shortId(task.name), deadLetterQueue, ...(meta ? { meta } : {}) };
}

/** Every dead task in scope, newest first; a dead-letter queue that does not exist is reported, not fatal. */
async function listDeadTasks({ admin, scope }: Context): Promise<{ tasks: DeadTask[]; missing: QueuesApiError[] }> {
  const tasks: DeadTask[] = [];
  const missing: QueuesApiError[] = [];
  for (const dlq of scope.deadLetterQueues) {
    try {
      for (const task of await admin.listTasks(dlq)) tasks.push(deadTaskOf(task, dlq));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const hint =
        `The dead-letter queue ${dlq} does not exist yet: create it with \`next-cloud-tasks queues apply\` ` +
        '(until then dead tasks of its queues are only in the logs: severity ERROR, field deadLetter).';
      missing.push(new QueuesApiError(`list dead tasks of ${dlq}`, error.code, error.status, hint, 'queue not found', { cause: error }));
    }
  }
  const inScope = scope.from ? tasks.filter((dead) => dead.meta?.queue === scope.from) : tasks;
  return { tasks: inScope.sort((a, b) => (b.task.createTime?.getTime() ?? 0) - (a.task.createTime?.getTime() ?? 0)), missing };
}

/**
 * A TASK argument as a dead task, read in full: a full name in one of the dead-letter queues, an
 * id in one of them, or the id the task had in its own queue (what the logs show).
 */
async function resolveTask(context: Context, arg: string): Promise<DeadTask> {
  const { admin, scope, path } = context;
  const where = scope.deadLetterQueues.join(', ');
  const notFound = () =>
    new QueuesApiError(
      `find dead task ${arg}`,
      RPC_CODE.NOT_FOUND,
      404,
      '`next-cloud-tasks dead-letters list` shows the dead tasks and their ids.',
      `no dead task ${arg} in ${where}`,
    );
  if (arg.includes('/')) {
    const match = /^projects\/[^/]+\/locations\/[^/]+\/queues\/([^/]+)\/tasks\/[^/]+$/.exec(arg);
    if (!match) {
      throw new QueuesUsageError(`"${arg}" is neither a task id nor a task's full name (projects/P/locations/L/queues/Q/tasks/T)`);
    }
    if (!scope.deadLetterQueues.includes(match[1])) {
      throw new QueuesUsageError(`${arg} is not in a dead-letter queue of queue.yaml (${where})`);
    }
    const task = await admin.getTask(arg);
    if (!task) throw notFound();
    return deadTaskOf(task, match[1]);
  }
  if (!TASK_ID.test(arg)) {
    throw new QueuesUsageError(`"${arg}" is not a task id (letters, digits, _ and -, as \`dead-letters list\` shows them)`);
  }
  for (const dlq of scope.deadLetterQueues) {
    const task = await admin.getTask(`${path(dlq)}/tasks/${arg}`);
    if (task) return deadTaskOf(task, dlq);
  }
  // A failed list is not kept: the next argument tries again.
  context.listed ??= listDeadTasks(context).catch((error: unknown) => {
    context.listed = undefined;
    throw error;
  });
  const { tasks } = await context.listed;
  const byOrigin = tasks.filter((dead) => dead.meta?.task === arg);
  if (byOrigin.length > 1) {
    const queues = [...new Set(byOrigin.map((d) => d.meta?.queue))].join(', ');
    const ids = byOrigin.map((d) => d.id).join(', ');
    throw new QueuesUsageError(`${byOrigin.length} dead tasks came from a task ${arg} (of ${queues}): name one by its id: ${ids}`);
  }
  if (!byOrigin.length) throw notFound();
  const task = await admin.getTask(byOrigin[0].task.name);
  if (!task) throw notFound();
  return deadTaskOf(task, byOrigin[0].deadLetterQueue);
}
