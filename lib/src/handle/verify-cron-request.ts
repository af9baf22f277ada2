import { readSchedulerHeaders } from '../contract/scheduler-headers.js';
import type { HandlerConfig } from '../runtime/config.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { handlerConfig } from '../runtime/settings.js';
import { describeError, log } from '../runtime/logger.js';
import { cronRunSkip } from './cron-run.js';
import { verifyTaskToken } from './verify-token.js';

export interface VerifyCronRequestOptions {
  /** Settings for this check instead of the process's: `audience`, `allowedEmails`, `emulatorHost`. @default the process's, as the task handler reads them */
  config?: CloudTasksOptions;
}

export type CronRequestVerdict =
  | {
      ok: true;
      /** The token's service account. */
      email: string;
      /** From X-CloudScheduler-JobName, when Cloud Scheduler sent the request (a task with the same token has none). */
      jobName?: string;
      /** From X-CloudScheduler-ScheduleTime. */
      scheduleTime?: Date;
    }
  /** `response` is the answer to return as is: 401 (no or bad token), 403 (another account), 500 (misconfigured), 503 (certs unreachable). */
  | { ok: false; status: 401 | 403 | 500 | 503; notScheduled?: undefined; reason: string; response: Response }
  /**
   * A genuine run that the job's App Engine schedule does not name: its unix-cron line fires more
   * often (`1st monday of sep,oct,nov 17:00` runs on `0 17 * 9-11 1`). Return `response` (200,
   * so Cloud Scheduler counts the run as done) without doing the work.
   */
  | { ok: false; status: 200; notScheduled: true; reason: string; response: Response };

const refuse = (status: 401 | 403 | 500 | 503, reason: string): CronRequestVerdict => ({
  ok: false,
  status,
  reason,
  response: Response.json(
    { error: status === 403 ? 'forbidden' : status === 401 ? 'unauthorized' : status === 500 ? 'misconfigured' : 'unavailable' },
    { status },
  ),
});

/**
 * Checks that a request to your own route (a cron.yaml `url:` job) comes from Cloud Scheduler
 * with the OIDC token of an allowed service account, with the task handler's own check
 * (signature, issuer, expiry, audience, email in DEFERRED_ALLOWED_EMAILS, email_verified).
 * Nothing about the token is logged or returned. A run of a job whose unix-cron line fires more
 * often than its App Engine schedule (the filter cron apply gave it) and that the schedule does
 * not name gets `notScheduled: true` and a 200 to return: `if (!cron.ok) return cron.response`
 * covers it.
 *
 * @example
 * export async function GET(request: Request) {
 *   const cron = await verifyCronRequest(request);
 *   if (!cron.ok) return cron.response;
 *   await sendDailySummary();
 *   return new Response('ok');
 * }
 */
export async function verifyCronRequest(request: Request, options: VerifyCronRequestOptions = {}): Promise<CronRequestVerdict> {
  let config: HandlerConfig;
  try {
    config = handlerConfig(options.config);
  } catch (error) {
    // Fail closed, with a status Cloud Scheduler retries once the configuration is fixed.
    log('ERROR', describeError(error));
    return refuse(500, 'the handler configuration is invalid');
  }
  const verdict = await verifyTaskToken(request.headers.get('authorization'), config);
  if (!verdict.ok) {
    log('WARNING', `cron request refused (${verdict.status}): ${verdict.reason}`, { path: new URL(request.url).pathname });
    return refuse(verdict.status, verdict.reason);
  }
  const run = readSchedulerHeaders(request.headers);
  const skip = cronRunSkip(run, request.headers, {}, new URL(request.url).pathname);
  if (skip?.outcome === 'misconfigured') return refuse(500, skip.reason);
  if (skip) return { ok: false, status: 200, notScheduled: true, reason: skip.reason, response: Response.json({ skipped: skip.reason }) };
  return {
    ok: true,
    email: verdict.email,
    ...(run && { jobName: run.jobName }),
    ...(run?.scheduleTime && { scheduleTime: run.scheduleTime }),
  };
}
