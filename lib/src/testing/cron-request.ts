import { CRON_FILTER_HEADER, encodeCronFilter } from '../contract/cron-filter.js';
import { writeSchedulerHeaders } from '../contract/scheduler-headers.js';
import type { StubCronJob } from './cron-jobs.js';
import { signIdToken, type IdTokenClaims, type SigningKey } from './oidc-tokens.js';
import { TEST_OPTIONS } from './stub-options.js';

export interface CronRequestOptions {
  /** Signs the run's OIDC token; serve its certificate with `googleCertsHandler([key])`. */
  signingKey: SigningKey;
  /** Claims to change in the token (a wrong `aud`, another `email`). @default aud and email of TEST_OPTIONS */
  claims?: Partial<IdTokenClaims>;
  /** Where to send it. @default TEST_OPTIONS.serviceUrl + the job's url */
  url?: string;
  /**
   * X-CloudScheduler-ScheduleTime. For a job with a filter, a time its schedule does not name makes
   * verifyCronRequest answer `notScheduled`. @default now
   */
  scheduleTime?: Date;
}

/**
 * The request Cloud Scheduler would send for a `url:` job: GET, its X-CloudScheduler headers (and
 * its schedule filter, when it has one) and an OIDC token signed as Google signs it, for testing a route that calls verifyCronRequest():
 * `await GET(await cronRequest(stub.cronJobs()[0], { signingKey }))`.
 */
export async function cronRequest(job: StubCronJob, options: CronRequestOptions): Promise<Request> {
  if (job.target.kind !== 'url')
    throw new Error(`cron job "${job.id}" runs ${job.target.functionId}, not a route: run it with stub.runCronJob()`);
  const { path } = job.target;
  const headers = new Headers(writeSchedulerHeaders({ jobName: job.id, scheduleTime: options.scheduleTime ?? new Date() }));
  // The job's own header, as Cloud Scheduler sends it with each run.
  if (job.filter) headers.set(CRON_FILTER_HEADER, encodeCronFilter(job.filter));
  const token = await signIdToken(options.signingKey, {
    aud: TEST_OPTIONS.audience,
    email: TEST_OPTIONS.serviceAccount,
    ...options.claims,
  });
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(options.url ?? TEST_OPTIONS.serviceUrl + path, { method: 'GET', headers });
}
