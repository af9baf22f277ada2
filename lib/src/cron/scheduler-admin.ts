import type { AuthClient } from 'google-auth-library';
import { RPC_CODE } from '../contract/google-errors.js';
import { createGoogleAdminCaller, loadDefaultCredentials } from '../queues/google-admin-call.js';
import { isSchedulerRateLimited, toCronApiError } from './admin-errors.js';
import type { SchedulerAdmin } from './apply.js';
import { CronApiError } from './errors.js';
import { fromJobResource, type JobResource, toJobResource } from './live-job.js';
import type { LiveJob } from './plan.js';

export interface CloudSchedulerAdminOptions {
  project: string;
  location: string;
  /** Auth client to use instead of Application Default Credentials (tests pass a PassThroughClient). */
  authClient?: AuthClient;
  /** For "needs actAs on ..." hints. */
  serviceAccountEmail?: string;
  /** Waits before each retry of a call answered 429. @default [1000, 3000, 9000] */
  rateLimitRetryDelaysMs?: number[];
  /** @default 'cloudscheduler.googleapis.com' */
  apiEndpoint?: string;
}

type SchedulerClient = import('@google-cloud/scheduler').CloudSchedulerClient;

const credentialsError = (detail: string, cause: unknown) =>
  new CronApiError(
    'load Application Default Credentials',
    RPC_CODE.UNAUTHENTICATED,
    undefined,
    'No usable Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step (see node_modules/next-cloud-tasks/docs/queues-ci.md).',
    detail,
    { cause },
  );

/** REST mode (works through proxies and with msw); @google-cloud/scheduler is imported here, on first use only. */
async function createClient(options: CloudSchedulerAdminOptions): Promise<SchedulerClient> {
  const { CloudSchedulerClient } = await import('@google-cloud/scheduler');
  const authClient = options.authClient ?? (await loadDefaultCredentials(credentialsError));
  return new CloudSchedulerClient({
    fallback: true,
    authClient,
    ...(options.apiEndpoint && { apiEndpoint: options.apiEndpoint }),
  } as ConstructorParameters<typeof CloudSchedulerClient>[0]);
}

/** A SchedulerAdmin over the real @google-cloud/scheduler client. */
export function createCloudSchedulerAdmin(options: CloudSchedulerAdminOptions): SchedulerAdmin & { close(): Promise<void> } {
  const endpoint = `https://${options.apiEndpoint ?? 'cloudscheduler.googleapis.com'}`;
  const parent = `projects/${options.project}/locations/${options.location}`;
  const path = (job: string) => `${parent}/jobs/${job}`;
  const context = (operation: string) => ({
    operation,
    project: options.project,
    location: options.location,
    endpoint,
    serviceAccountEmail: options.serviceAccountEmail,
  });
  const { call, close } = createGoogleAdminCaller({
    createClient: () => createClient(options),
    isRateLimited: isSchedulerRateLimited,
    toError: (err, operation) => toCronApiError(err, context(operation)),
    isOwnError: (err) => err instanceof CronApiError,
    rateLimitRetryDelaysMs: options.rateLimitRetryDelaysMs,
  });

  return {
    async listJobs(): Promise<LiveJob[]> {
      const [jobs] = await call(`list jobs in ${parent}`, (c) => c.listJobs({ parent }));
      return (jobs as JobResource[]).map(fromJobResource);
    },
    async createJob(job) {
      await call(`create job ${job.name}`, (c) => c.createJob({ parent, job: toJobResource(job, path(job.name)) as never }));
    },
    async updateJob(job, fields) {
      await call(`update job ${job.name} (${fields.join(', ')})`, (c) =>
        c.updateJob({ job: toJobResource(job, path(job.name), fields) as never, updateMask: { paths: [...fields] } }),
      );
    },
    async pauseJob(name) {
      await call(`pause job ${name}`, (c) => c.pauseJob({ name: path(name) }));
    },
    async resumeJob(name) {
      await call(`resume job ${name}`, (c) => c.resumeJob({ name: path(name) }));
    },
    close,
  };
}
