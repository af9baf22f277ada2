import type { HandlerConfig } from '../runtime/config.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { handlerConfig } from '../runtime/settings.js';
import type { DeadLetterSink } from '../runtime/dead-letter-sink.js';
import { DEAD_LETTER_KEPT_HEADER, DEAD_LETTER_REASON_HEADER, outcomeResponse } from '../contract/outcomes.js';
import { describeError, log } from '../runtime/logger.js';
import { traceFields } from '../runtime/trace.js';
import { executeTask, type AttemptInfo } from './execute-task.js';
import { readBodyWithLimit } from './read-body.js';
import type { Manifest } from '../runtime/registry.js';
import { readTaskHeaders } from '../contract/task-headers.js';
import { readSchedulerHeaders } from '../contract/scheduler-headers.js';
import { cronRunSkip } from './cron-run.js';
import { verifyTaskToken } from './verify-token.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { acceptTaskRequest, REFUSED_TOKEN } from './task-request.js';

export interface HandlerOptions {
  /** The app's deferrable functions. */
  manifest: Manifest;
  /**
   * This route's own settings, instead of the process's (registerDeferred's options and the
   * environment, which are then not read): `audience`, `allowedEmails` (default: `serviceAccount`),
   * `emulatorHost`, `payloadBucket`, `storageEmulatorHost`, `project`.
   * @default the process's settings
   */
  config?: CloudTasksOptions;
  /**
   * Where tasks that will not run again go. @default the `deadLetter` option (registerDeferred's), else
   * cloudTasksDeadLetterSink(): kept, ready to replay, in the queue's paused dead-letter queue when
   * queue.yaml gives it one (`dead_letter_queue`); else, or when that fails, one structured ERROR
   * log entry with the whole task
   */
  deadLetter?: DeadLetterSink;
  /** Bodies past this many bytes get 413. @default MAX_TASK_BYTES (1 MiB) */
  maxBodyBytes?: number;
  /** Whether a failed attempt was the last. @default the queue's retry config in queue.yaml */
  isLastAttempt?: (attempt: AttemptInfo) => boolean;
}

/**
 * Serves a Cloud Tasks delivery: a Web Request in, a Response out, in the order that keeps
 * rejections cheap: method, then the OIDC token, and only then the body.
 * Mount it on any route: `export const POST = (req: Request) => handleDeferredRequest(req, { manifest })`.
 */
export async function handleDeferredRequest(request: Request, options: HandlerOptions): Promise<Response> {
  return acceptTaskRequest(request, () => serveTask(request, options));
}

async function serveTask(request: Request, options: HandlerOptions): Promise<Response> {
  const { pathname: path, search } = new URL(request.url);

  let config: HandlerConfig;
  try {
    config = handlerConfig(options.config);
  } catch (error) {
    // Misconfigured: fail closed, and with a status Cloud Tasks retries once the config is fixed.
    log('ERROR', describeError(error), traceFields(request.headers, undefined));
    return outcomeResponse('misconfigured');
  }
  const trace = traceFields(request.headers, config.project);

  const verdict = await verifyTaskToken(request.headers.get('authorization'), config);
  if (!verdict.ok) {
    log('WARNING', `task request refused (${verdict.status}): ${verdict.reason}`, { ...trace, path });
    return outcomeResponse(REFUSED_TOKEN[verdict.status]);
  }

  // A cron.yaml `function:` job whose line fires more often than its schedule: the other runs end here, unread.
  const scheduler = readSchedulerHeaders(request.headers);
  const skip = cronRunSkip(scheduler, request.headers, trace, path);
  if (skip) return outcomeResponse(skip.outcome);

  const body = await readBodyWithLimit(request, options.maxBodyBytes ?? MAX_TASK_BYTES);
  if (body === 'too-large') {
    log('WARNING', `task body over ${options.maxBodyBytes ?? MAX_TASK_BYTES} bytes refused`, { ...trace, path });
    return outcomeResponse('too-large');
  }

  const result = await executeTask(
    // Cloud Scheduler's runs of cron.yaml `function:` jobs come here too, with their own headers.
    {
      body,
      headers: readTaskHeaders(request.headers),
      url: path + search,
      trace,
      requestHeaders: request.headers,
      scheduler,
    },
    {
      manifest: options.manifest,
      deadLetter: options.deadLetter,
      isLastAttempt: options.isLastAttempt,
      payloadStorage: config.payloadStorage,
    },
  );
  const dead: Record<string, string> = {
    ...(result.deadLetterReason ? { [DEAD_LETTER_REASON_HEADER]: result.deadLetterReason } : {}),
    ...(result.deadLetterTask ? { [DEAD_LETTER_KEPT_HEADER]: result.deadLetterTask } : {}),
  };
  return outcomeResponse(result.outcome, { status: result.status, deadLettered: result.deadLettered, headers: dead });
}
