/**
 * The headers Cloud Scheduler's HTTP target sends with each run (they differ from Cloud Tasks'):
 * `X-CloudScheduler: true`, `X-CloudScheduler-JobName` (the job id) and, for unix-cron jobs,
 * `X-CloudScheduler-ScheduleTime` (RFC 3339). Read by the handler, written by the emulator and
 * the test kit, in one place.
 */
export interface SchedulerHeaders {
  /** The Cloud Scheduler job id (`daily-summary`). */
  jobName: string;
  /** The time this run was scheduled for. */
  scheduleTime?: Date;
}

/** The run's scheduler headers; undefined unless `X-CloudScheduler: true` and a job name came. */
export function readSchedulerHeaders(headers: Headers): SchedulerHeaders | undefined {
  const jobName = headers.get('x-cloudscheduler-jobname');
  if (headers.get('x-cloudscheduler')?.toLowerCase() !== 'true' || !jobName) return undefined;
  const time = new Date(headers.get('x-cloudscheduler-scheduletime') ?? NaN);
  return { jobName, ...(Number.isNaN(time.getTime()) ? {} : { scheduleTime: time }) };
}

export function writeSchedulerHeaders(run: SchedulerHeaders): Record<string, string> {
  return {
    'User-Agent': 'Google-Cloud-Scheduler',
    'X-CloudScheduler': 'true',
    'X-CloudScheduler-JobName': run.jobName,
    ...(run.scheduleTime && { 'X-CloudScheduler-ScheduleTime': run.scheduleTime.toISOString() }),
  };
}
