import type { AuthClient } from 'google-auth-library';
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

async function loadDefaultCredentials(): Promise<AuthClient> {
  const { GoogleAuth } = await import('google-auth-library');
  try {
    return (await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient()) as AuthClient;
  } catch (err) {
    throw new CronApiError(
      'load Application Default Credentials',
      16,
      undefined,
      'No usable Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step (see node_modules/next-cloud-tasks/docs/queues-ci.md).',
      String((err as Error).message ?? err).split('\n')[0],
      { cause: err },
    );
  }
}

/** REST mode (works through proxies and with msw); @google-cloud/scheduler is imported here, on first use only. */
async function createClient(options: CloudSchedulerAdminOptions): Promise<SchedulerClient> {
  const { CloudSchedulerClient } = await import('@google-cloud/scheduler');
  const authClient = options.authClient ?? (await loadDefaultCredentials());
  return new CloudSchedulerClient({
    fallback: true,
    authClient,
    ...(options.apiEndpoint && { apiEndpoint: options.apiEndpoint }),
  } as ConstructorParameters<typeof CloudSchedulerClient>[0]);
}

/** A SchedulerAdmin over the real @google-cloud/scheduler client. */
export function createCloudSchedulerAdmin(options: CloudSchedulerAdminOptions): SchedulerAdmin & { close(): Promise<void> } {
  const endpoint = `https://${options.apiEndpoint ?? 'cloudscheduler.googleapis.com'}`;
  const delays = options.rateLimitRetryDelaysMs ?? [1000, 3000, 9000];
  const parent = `projects/${options.project}/locations/${options.location}`;
  const path = (job: string) => `${parent}/jobs/${job}`;
  const context = (operation: string) => ({
    operation,
    project: options.project,
    location: options.location,
    endpoint,
    serviceAccountEmail: options.serviceAccountEmail,
  });
  let client: Promise<SchedulerClient> | undefined;

  async function call<T>(operation: string, fn: (c: SchedulerClient) => Promise<T>): Promise<T> {
    const c = await (client ??= createClient(options)).catch((err: unknown) => {
      client = undefined;
      throw err instanceof CronApiError ? err : toCronApiError(err, context(operation));
    });
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(c);
      } catch (err) {
        if (isSchedulerRateLimited(err) && attempt < delays.length) {
          await new Promise((r) => setTimeout(r, delays[attempt]));
          continue;
        }
        throw toCronApiError(err, context(operation));
      }
    }
  }

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
    async close() {
      if (client) await (await client).close();
    },
  };
}
