/**
 * cron.yaml's jobs in the emulator, through lib/cron (the same parser, translation and mapping the
 * cron CLI deploys with), so the emulator runs what Cloud Scheduler will: the same URL, method,
 * body, token audience and retry settings. Each job is stored with its run state.
 */
import { loadCronYaml } from '../cron/parse.js';
import { toSchedulerJob } from '../cron/map.js';
import { describeCronTarget } from '../cron/job-resource.js';
import type { SchedulerJobSettings } from '../cron/types.js';
import type { CronFilter } from '../contract/cron-filter.js';
import type { Store } from './store.js';

/** One finished run (its last attempt), as the dashboard shows it. */
export interface CronRunResult {
  scheduleTimeMs: number;
  finishedMs: number;
  /** Attempts made for this scheduled time (1 + retries). */
  attempts: number;
  ok: boolean;
  /** HTTP status of the last attempt; undefined when none came (deadline, refused connection). */
  status?: number;
  /** The app's x-deferred-outcome (e.g. dead-lettered), or what went wrong on the way. */
  detail: string;
}

export interface CronJobRecord {
  id: string;
  /** The schedule as cron.yaml writes it. */
  schedule: string;
  /** What the job does, for the dashboard: `GET /tasks/summary` or `reports.daily("eu")`. */
  summary: string;
  job: SchedulerJobSettings;
  /** Which of the line's runs are the schedule's, when cron.yaml's schedule needs a filter: the only ones fired. */
  filter?: CronFilter;
  /** When the next scheduled run is due (ms); recomputed at each start. */
  nextRunMs?: number;
  /**
   * A run under way: its schedule time, attempts made so far, and when a retry is due. `forced`
   * for a "Run now": sent without a schedule time, so the app runs it whatever the schedule says.
   */
  pending?: { scheduleTimeMs: number; attempts: number; firstAttemptMs: number; retryAtMs?: number; forced?: boolean };
  last?: CronRunResult;
}

export interface CronAppTarget {
  /** The app's base URL, as DEFERRED_SERVICE_URL gives it. */
  appUrl: string;
  serviceAccountEmail: string;
  /** @default appUrl */
  audience?: string;
}

export interface LoadedCronJobs {
  names: string[];
  warnings: string[];
}

/** Creates or updates every job of the file (keeping each one's last result); forgets jobs it no longer lists. */
export function loadCronJobsFromYaml(store: Store, file: string, target: CronAppTarget): LoadedCronJobs {
  const parsed = loadCronYaml(file);
  const warnings = parsed.warnings.map((w) => `${w.file}:${w.line}:${w.column}: ${w.message}`);
  const names: string[] = [];
  for (const def of parsed.jobs) {
    if (def.service !== undefined) {
      warnings.push(
        `${def.position.file}:${def.position.line}:${def.position.column}: job "${def.id}" has target "${def.service}": the emulator sends it to the app at ${target.appUrl}`,
      );
    }
    const job = toSchedulerJob(def, {
      serviceUrl: target.appUrl,
      serviceAccountEmail: target.serviceAccountEmail,
      audience: target.audience,
      // Locally there is one app: every target is it.
      targetUrls: def.service === undefined ? {} : { [def.service]: target.appUrl },
    });
    if (def.service !== undefined) job.httpTarget.oidcToken.audience = target.audience ?? target.appUrl;
    const existing = store.getCronJob<CronJobRecord>(def.id);
    const record: CronJobRecord = {
      id: def.id,
      schedule: def.schedule,
      summary: describeCronTarget(def.target),
      job,
      ...(def.filter && { filter: def.filter }),
      ...(existing?.last && { last: existing.last }),
    };
    // A retry that was due when the emulator stopped stays due, if the job still runs the same thing.
    if (existing?.pending && JSON.stringify(existing.job) === JSON.stringify(job)) record.pending = existing.pending;
    store.putCronJob(def.id, record);
    names.push(def.id);
  }
  store.deleteCronJobsExcept(names);
  return { names, warnings };
}
