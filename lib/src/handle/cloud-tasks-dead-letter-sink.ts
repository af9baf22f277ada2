import { CloudTasksError } from '../contract/errors.js';
import { withoutDeadLetterHeaders, writeDeadLetterHeaders } from '../contract/dead-letter-headers.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { queuePath, shortId } from '../contract/names.js';
import { type CreateTaskRequest, type TaskTransport } from '../contract/transport.js';
import { enqueueRuntime } from '../enqueue/defer.js';
import { resolveSettings, type EnqueueConfig } from '../runtime/config.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { describeError, log } from '../runtime/logger.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import { logDeadLetterEntry } from './dead-letter.js';
import type { DeadLetterEntry, DeadLetterReceipt, DeadLetterSink } from '../runtime/dead-letter-sink.js';

export interface CloudTasksDeadLetterSinkOptions {
  /**
   * The dead-letter queue of a task's queue; undefined: the task has none (it is logged).
   * @default queue.yaml's `dead_letter_queue` of the queue
   */
  deadLetterQueue?: (queue: string) => string | undefined;
  /**
   * Where a dead task goes when it cannot be kept in Cloud Tasks: its queue has no dead-letter
   * queue, the dead-letter queue does not exist yet, or Cloud Tasks refused the write.
   * @default one ERROR log entry with the whole task and the reason it is only there
   */
  fallback?: DeadLetterSink;
  /** How tasks are created. @default defer()'s (Cloud Tasks, the emulator, or the jest stub once installed) */
  transport?: TaskTransport;
  /** Project, location, service URL, service account, audience, instead of defer()'s (the environment is then not read). @default defer()'s */
  config?: CloudTasksOptions;
}

const CLI = 'npx next-cloud-tasks';

/**
 * A dead-letter sink that keeps each dead task in Cloud Tasks itself, ready to replay: the task
 * is created again, unchanged (same URL, headers and body, its OIDC token for the same service
 * account and audience, a fresh name) in its queue's dead-letter queue, which is paused, so it
 * waits there for `next-cloud-tasks dead-letters replay` (or `delete`). Why it died travels with
 * it as `X-Deferred-Dead-*` headers (contract/dead-letter-headers.ts). An ERROR log entry says
 * where it went, for alerts; the task's body stays out of the log.
 *
 * Nothing is dropped silently: when the queue has no dead-letter queue, or creating the task
 * fails (the dead-letter queue was never applied, a permission is missing), the task goes to
 * `fallback`, by default one ERROR entry with the whole task and what to do. The write goes
 * through defer()'s transport, so @google-cloud/tasks loads on the first dead letter, never on
 * the handler's success path.
 */
export function cloudTasksDeadLetterSink(options: CloudTasksDeadLetterSinkOptions = {}): DeadLetterSink {
  const fallback = async (entry: DeadLetterEntry, problem: string | undefined): Promise<void> => {
    if (!options.fallback) return logDeadLetterEntry(entry, problem);
    if (problem) log('WARNING', `dead task of ${entry.queue ?? 'an unknown queue'} not kept in Cloud Tasks: ${problem}`);
    await options.fallback(entry);
  };

  return async (entry) => {
    let dlq: string | undefined;
    try {
      dlq = entry.queue ? (options.deadLetterQueue ?? ((queue) => queueCatalog().deadLetterQueue?.(queue)))(entry.queue) : undefined;
    } catch (error) {
      return fallback(entry, `the dead-letter queue could not be looked up: ${describeError(error)}`);
    }
    if (!dlq) return fallback(entry, undefined);

    let transport: TaskTransport;
    let config: EnqueueConfig;
    try {
      const runtime = options.transport && options.config ? undefined : enqueueRuntime();
      transport = options.transport ?? runtime!.transport;
      config = options.config ? ownConfig(options.config) : runtime!.config;
    } catch (error) {
      return fallback(entry, `it could not be kept in dead-letter queue ${dlq}: ${describeError(error)}`);
    }
    const request = deadTaskRequest(entry, dlq, config);
    let receipt: DeadLetterReceipt;
    try {
      receipt = { keptAs: (await transport.createTask(request)).name };
    } catch (error) {
      return fallback(entry, whyNotKept(error, request));
    }
    const id = shortId(receipt.keptAs);
    const { body: _body, bodyEncoding: _encoding, ...withoutBody } = entry;
    const what = `task dead-lettered (${entry.reason}): ${entry.functionId ?? 'unknown function'}: ${entry.error}`;
    const where = `kept in dead-letter queue ${dlq} as ${id}`;
    const next = `inspect it with \`${CLI} dead-letters inspect ${id}\`, replay it with \`${CLI} dead-letters replay ${id}\``;
    log('ERROR', `${what}; ${where}: ${next}`, { deadLetter: { ...withoutBody, keptAs: receipt.keptAs } });
    return receipt;
  };
}

function ownConfig(options: CloudTasksOptions): EnqueueConfig {
  const { enqueue } = resolveSettings(options, {});
  if (enqueue instanceof Error) throw enqueue;
  return enqueue;
}

/** The dead task as it was created (see DeadLetterEntry), in the dead-letter queue, with why it died. */
function deadTaskRequest(entry: DeadLetterEntry, dlq: string, config: EnqueueConfig): CreateTaskRequest {
  const own = withoutDeadLetterHeaders(entry.headers ?? { 'content-type': 'application/json' });
  return {
    project: config.project,
    location: config.location,
    queue: dlq,
    url: config.serviceUrl + entry.url,
    headers: {
      ...own,
      ...writeDeadLetterHeaders({
        reason: entry.reason,
        error: entry.error,
        queue: entry.queue,
        task: entry.taskName,
        attempts: entry.attempt,
        functionId: entry.functionId,
        payloadObject: entry.payloadObject,
      }),
    },
    body: Buffer.from(entry.body, entry.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
    oidcToken: { serviceAccountEmail: config.serviceAccountEmail, audience: config.audience },
  };
}

function whyNotKept(error: unknown, request: CreateTaskRequest): string {
  const queue = queuePath(request);
  if (error instanceof CloudTasksError && error.code === RPC_CODE.NOT_FOUND) {
    const fix = `queue.yaml declares it; create it with \`${CLI} queues apply\``;
    return `its dead-letter queue ${queue} does not exist: ${fix}. Until then this entry is the only copy of the task`;
  }
  return `it could not be kept in dead-letter queue ${queue} (${describeError(error)}); this entry is the only copy of the task`;
}
