import type { CronFilter } from '../contract/cron-filter.js';
import type { SourcePosition, YamlProblem } from '../deploy/problems.js';

export type { SourcePosition };

/** One thing wrong (error) or worth knowing (warning) in cron.yaml, at its line and column. */
export type CronYamlProblem = YamlProblem;

/** App Engine's retry_parameters of a cron job, as written (after validation). */
export interface CronRetryParameters {
  /** job_retry_limit: retries after a failed run, 0-5 (Cloud Scheduler's retryCount). */
  jobRetryLimit?: number;
  /** job_age_limit (`2d`, `1.5h`, `30m`): seconds, and the text as written. */
  jobAgeLimit?: { seconds: number; text: string };
  minBackoffSeconds?: number;
  maxBackoffSeconds?: number;
  maxDoublings?: number;
}

/** What a job calls: a URL of the app (App Engine's `url`), or a deferrable function (our extension). */
export type CronJobTarget =
  | { kind: 'url'; path: string }
  /** Runs through the task handler at /_ah/queue/deferred/<id>, with `args` as the function's arguments. */
  | { kind: 'function'; functionId: string; args: unknown[] };

/** One entry of cron.yaml, validated, with its schedule translated to unix-cron. */
export interface CronJobDefinition {
  /** The Cloud Scheduler job id: from the description (`daily summary` -> `daily-summary`), else from the target. */
  id: string;
  /** As written; '' when the entry has none. */
  description: string;
  target: CronJobTarget;
  /** The schedule as written (`every day 09:00`). */
  schedule: string;
  /** The unix-cron line Cloud Scheduler runs (`0 9 * * *`). */
  cron: string;
  scheduleFormat: 'app-engine' | 'unix-cron';
  /** IANA time zone; App Engine's default is UTC. */
  timeZone: string;
  /**
   * Set when `cron` fires more often than the schedule (`1st monday of sep,oct,nov 17:00` deploys
   * `0 17 * 9-11 1`): which of its runs are the schedule's. It travels with the job in a header,
   * and the app skips the other runs.
   */
  filter?: CronFilter;
  /** App Engine `target`: the service the job calls (`--target-url NAME=URL` says where it is on Cloud Run). */
  service?: string;
  retryParameters?: CronRetryParameters;
  /** Our extension `attempt_deadline` (15 s to 30 min), in seconds. */
  attemptDeadlineSeconds?: number;
  /** Position of the entry (its `- ` item) in the file. */
  position: SourcePosition;
}

/** A parsed, valid cron.yaml. */
export interface CronFile {
  file: string;
  jobs: CronJobDefinition[];
  warnings: CronYamlProblem[];
}

/** Cloud Scheduler's view of one job (what the API's Job resource holds), durations in seconds. */
export interface SchedulerJobSettings {
  /** Short job id (not the full resource name). */
  name: string;
  description: string;
  schedule: string;
  timeZone: string;
  attemptDeadlineSeconds: number;
  retryConfig: {
    retryCount: number;
    /** 0 = unlimited. */
    maxRetryDurationSeconds: number;
    minBackoffSeconds: number;
    maxBackoffSeconds: number;
    maxDoublings: number;
  };
  httpTarget: {
    uri: string;
    httpMethod: 'GET' | 'POST';
    headers: Record<string, string>;
    /** base64, for function jobs (the task envelope). */
    body?: string;
    oidcToken: { serviceAccountEmail: string; audience: string };
  };
}

export type SchedulerRetryConfig = SchedulerJobSettings['retryConfig'];
