import { checkCronRun } from '../contract/cron-filter.js';
import type { SchedulerHeaders } from '../contract/scheduler-headers.js';
import { log } from '../runtime/logger.js';

/** Why a Cloud Scheduler run is not run: not one of its schedule's runs (answered 2xx), or a filter that cannot be read (500). */
export interface CronRunSkip {
  outcome: 'not-scheduled' | 'misconfigured';
  reason: string;
}

/**
 * A run of a cron.yaml job whose line fires more often than its App Engine schedule, judged by
 * the filter it carries (contract/cron-filter.ts) once its token is verified: undefined to run it
 * (not a Cloud Scheduler run, no filter, or one of the schedule's runs), else why not, logged.
 * `run` is the request's readSchedulerHeaders(), which the caller reads anyway: a task (none)
 * costs nothing more. Used by the task handler (`function:` jobs) and verifyCronRequest (`url:` jobs).
 */
export function cronRunSkip(
  run: SchedulerHeaders | undefined,
  headers: Headers,
  trace: Record<string, string>,
  path: string,
): CronRunSkip | undefined {
  if (!run) return undefined;
  const logFields = { ...trace, path };
  const check = checkCronRun(headers, run.scheduleTime);
  if ('malformed' in check) {
    log('ERROR', `cron run of ${run.jobName} refused: ${check.malformed}`, logFields);
    return { outcome: 'misconfigured', reason: check.malformed };
  }
  if (check.run) return undefined;
  log('DEBUG', `cron run of ${run.jobName} skipped: ${check.reason}`, logFields);
  return { outcome: 'not-scheduled', reason: check.reason };
}
