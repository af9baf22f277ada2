import { handlerConfigFromEnv, type HandlerConfig } from '../runtime/config.js';
import type { DeadLetterSink } from './dead-letter.js';
import { DEAD_LETTERED_OUTCOME, OUTCOME_HEADER } from '../contract/emulator.js';
import { describeError, log, traceFields } from '../runtime/logger.js';
import { executeTask, type AttemptInfo } from './execute-task.js';
import { readBodyWithLimit } from './read-body.js';
import type { Manifest } from '../runtime/registry.js';
import { readTaskHeaders } from '../contract/task-headers.js';
import { readSchedulerHeaders } from '../contract/scheduler-headers.js';
import { verifyTaskToken } from './verify-token.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { isDraining, trackTask } from '../runtime/shutdown.js';

export interface HandlerOptions {
  /** The app's deferrable functions. */
  manifest: Manifest;
  /** Audience, allowed emails, emulator mode. @default read once from the environment (see config.ts) */
  config?: HandlerConfig;
  /** Where tasks that will not run again go. @default one structured ERROR log entry */
  deadLetter?: DeadLetterSink;
  /** Bodies past this many bytes get 413. @default MAX_TASK_BYTES (1 MiB) */
  maxBodyBytes?: number;
  /** Whether a failed attempt was the last. @default the queue's retry config in queue.yaml */
  isLastAttempt?: (attempt: AttemptInfo) => boolean;
}

function respond(status: number, outcome: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ outcome }), {
    status,
    headers: { 'content-type': 'application/json', [OUTCOME_HEADER]: outcome, ...headers },
  });
}

/**
 * Serves a Cloud Tasks delivery: a Web Request in, a Response out, in the order that keeps
 * rejections cheap: method, then the OIDC token, and only then the body.
 * Mount it on any route: `export const POST = (req: Request) => handleDeferredRequest(req, { manifest })`.
 */
export async function handleDeferredRequest(request: Request, options: HandlerOptions): Promise<Response> {
  if (request.method !== 'POST') return respond(405, 'method-not-allowed', { allow: 'POST' });
  // Shutting down (SIGTERM, see shutdown.ts): a retryable answer now beats being killed mid-task.
  if (isDraining()) return shuttingDown();
  return trackTask(request, () => serveTask(request, options), shuttingDown);
}

/** 503 with Retry-After: Cloud Tasks retries, and the connection closes so the next try lands elsewhere. */
const shuttingDown = () => respond(503, 'shutting-down', { 'retry-after': '1', connection: 'close' });

async function serveTask(request: Request, options: HandlerOptions): Promise<Response> {
  const url = new URL(request.url).pathname;
  const trace = traceFields(request.headers);

  let config: HandlerConfig;
  try {
    config = options.config ?? handlerConfigFromEnv();
  } catch (error) {
    // Misconfigured: fail closed, and with a status Cloud Tasks retries once the config is fixed.
    log('ERROR', describeError(error), trace);
    return respond(500, 'misconfigured');
  }

  const verdict = await verifyTaskToken(request.headers.get('authorization'), config);
  if (!verdict.ok) {
    log('WARNING', `task request refused (${verdict.status}): ${verdict.reason}`, { ...trace, path: url });
    return respond(verdict.status, verdict.status === 403 ? 'forbidden' : verdict.status === 401 ? 'unauthorized' : 'unavailable');
  }

  const body = await readBodyWithLimit(request, options.maxBodyBytes ?? MAX_TASK_BYTES);
  if (body === 'too-large') {
    log('WARNING', `task body over ${options.maxBodyBytes ?? MAX_TASK_BYTES} bytes refused`, { ...trace, path: url });
    return respond(413, 'too-large');
  }

  const result = await executeTask(
    // Cloud Scheduler's runs of cron.yaml `function:` jobs come here too, with their own headers.
    { body, headers: readTaskHeaders(request.headers), url, trace, scheduler: readSchedulerHeaders(request.headers) },
    { manifest: options.manifest, deadLetter: options.deadLetter, isLastAttempt: options.isLastAttempt },
  );
  return respond(result.status, result.deadLettered ? DEAD_LETTERED_OUTCOME : result.outcome);
}
