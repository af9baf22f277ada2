import { checkCronRun } from '../contract/cron-filter.js';
import { readSchedulerHeaders } from '../contract/scheduler-headers.js';
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
 * Used by the task handler (`function:` jobs) and verifyCronRequest (`url:` jobs).
 */
export function cronRunSkip(headers: Headers, logFields: Record<string, string>): CronRunSkip | undefined {
  const run = readSchedulerHeaders(headers);
  if (!run) return undefined;
  const check = checkCronRun(headers, run.scheduleTime);
  if ('malformed' in check) {
    log('ERROR', `cron run of ${run.jobName} refused: ${check.malformed}`, logFields);
    return { outcome: 'misconfigured', reason: check.malformed };
  }
  if (check.run) return undefined;
  log('DEBUG', `cron run of ${run.jobName} skipped: ${check.reason}`, logFields);
  return { outcome: 'not-scheduled', reason: check.reason };
}
