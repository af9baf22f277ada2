import { CRON_FILTER_HEADER, encodeCronFilter } from '../contract/cron-filter.js';
import { encodeEnvelope } from '../contract/envelope.js';
import { formatProblem } from '../deploy/problems.js';
import { effectiveBackoff } from '../contract/queue-settings.js';
import { SCHEDULER_DEFAULTS } from './defaults.js';
import { CronUsageError } from './errors.js';
import type { CronFile, CronJobDefinition, SchedulerJobSettings } from './types.js';

/** Where the jobs call, and with which token: the app's settings, as its own environment gives them. */
export interface CronTargetOptions {
  /** The app's public base URL (DEFERRED_SERVICE_URL), e.g. https://my-app-abc123-uc.a.run.app. */
  serviceUrl: string;
  /** The service account whose OIDC token each run carries (DEFERRED_SERVICE_ACCOUNT); the handler must allow it. */
  serviceAccountEmail: string;
  /** The token's audience for the app's own URL. @default serviceUrl (what DEFERRED_AUDIENCE defaults to) */
  audience?: string;
  /**
   * App Engine `target` services to the base URLs of the Cloud Run services they became
   * (`--target-url backend=https://backend-abc-uc.a.run.app`). A job's token is then for that URL.
   * @default {} (a job with a target is refused until its service is named)
   */
  targetUrls?: Record<string, string>;
}

/** The path of the task handler that runs deferrable functions (the same route defer() uses). */
export const DEFERRED_PATH = '/_ah/queue/deferred';

/**
 * Every job's base URL and audience, or a usage error listing each target without a URL at its
 * line: sending a job meant for another service to this one would run the wrong code.
 */
function baseFor(def: CronJobDefinition, options: CronTargetOptions): { base: string; audience: string } {
  const trim = (url: string) => url.replace(/\/+$/, '');
  if (def.service === undefined) return { base: trim(options.serviceUrl), audience: trim(options.audience ?? options.serviceUrl) };
  const url = options.targetUrls?.[def.service];
  if (url === undefined) throw new Error(`unmapped target ${def.service}`);
  return { base: trim(url), audience: trim(url) };
}

/** The Cloud Scheduler job App Engine's rules give this entry; every field filled in with Cloud Scheduler's default. */
export function toSchedulerJob(def: CronJobDefinition, options: CronTargetOptions): SchedulerJobSettings {
  const { base, audience } = baseFor(def, options);
  const retry = def.retryParameters;
  // A lone bound moves the other default out of its way, as queue.yaml's does.
  const backoff = effectiveBackoff(retry, SCHEDULER_DEFAULTS);
  const oidcToken = { serviceAccountEmail: options.serviceAccountEmail, audience };
  // A schedule unix-cron cannot say travels as a filter the app applies (contract/cron-filter.ts).
  const filter: Record<string, string> = def.filter ? { [CRON_FILTER_HEADER]: encodeCronFilter(def.filter) } : {};
  const httpTarget: SchedulerJobSettings['httpTarget'] =
    def.target.kind === 'url'
      ? // App Engine cron calls its URL with GET; so does the job.
        { uri: base + def.target.path, httpMethod: 'GET', headers: filter, oidcToken }
      : {
          uri: `${base}${DEFERRED_PATH}/${def.target.functionId}`,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json', ...filter },
          // The same envelope defer() sends; a fixed enqueuedAt keeps the body (and so the plan) stable.
          body: Buffer.from(encodeEnvelope(def.target.functionId, def.target.args, { enqueuedAt: 0 })).toString('base64'),
          oidcToken,
        };
  return {
    name: def.id,
    description: def.description,
    schedule: def.cron,
    timeZone: def.timeZone,
    attemptDeadlineSeconds: def.attemptDeadlineSeconds ?? SCHEDULER_DEFAULTS.attemptDeadlineSeconds,
    retryConfig: {
      retryCount: retry?.jobRetryLimit ?? SCHEDULER_DEFAULTS.retryCount,
      maxRetryDurationSeconds: retry?.jobAgeLimit?.seconds ?? SCHEDULER_DEFAULTS.maxRetryDurationSeconds,
      minBackoffSeconds: backoff.min,
      maxBackoffSeconds: backoff.max,
      maxDoublings: retry?.maxDoublings ?? SCHEDULER_DEFAULTS.maxDoublings,
    },
    httpTarget,
  };
}

/** Every job of the file; throws a CronUsageError naming each target that has no --target-url, at its line. */
export function toSchedulerJobs(file: CronFile, options: CronTargetOptions): SchedulerJobSettings[] {
  const unmapped = file.jobs.filter((job) => job.service !== undefined && options.targetUrls?.[job.service] === undefined);
  if (unmapped.length > 0) {
    const lines = unmapped.map((job) =>
      formatProblem({
        ...job.position,
        severity: 'error',
        message: `job "${job.id}" has target "${job.service}": pass --target-url ${job.service}=https://<that Cloud Run service's URL> (or set CRON_TARGET_URLS), or remove target to call this app`,
      }),
    );
    throw new CronUsageError(`${unmapped.length === 1 ? 'a job names a target' : 'jobs name targets'} without a URL:\n${lines.join('\n')}`);
  }
  return file.jobs.map((job) => toSchedulerJob(job, options));
}
