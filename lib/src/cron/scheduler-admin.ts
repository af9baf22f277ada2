import type { AuthClient } from 'google-auth-library';
import { createAdminCaller } from '../deploy/admin-call.js';
import type { ApiHints } from '../deploy/admin-errors.js';
import type { SchedulerAdmin } from './deploy-jobs.js';
import { CronApiError } from './errors.js';
import { fromJobResource, type JobResource, toJobResource } from './live-job.js';

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

/** What to do about each failure of a Cloud Scheduler call: the roles the cron commands need. */
function schedulerHints(serviceAccountEmail: string | undefined): ApiHints {
  const account = serviceAccountEmail ?? "the jobs' service account";
  return {
    api: 'Cloud Scheduler',
    serviceName: 'cloudscheduler.googleapis.com',
    permissionDenied: (detail) =>
      /actAs|serviceAccounts/i.test(detail)
        ? `a job whose runs carry ${account}'s OIDC token can only be created or changed by an account with iam.serviceAccounts.actAs on it: grant the deploying account roles/iam.serviceAccountUser on ${account} (see node_modules/next-cloud-tasks/docs/cron.md).`
        : `grant the deploying account roles/cloudscheduler.admin on the project, and roles/iam.serviceAccountUser on ${account} (its jobs carry that account's token); for plan/check alone, roles/cloudscheduler.viewer is enough (see node_modules/next-cloud-tasks/docs/cron.md).`,
    rateLimited:
      'Cloud Scheduler rate-limited the calls (HTTP 429) and retrying did not help: wait a minute and run again (apply is idempotent).',
    locationVariable: 'CLOUD_SCHEDULER_LOCATION',
    region: 'a Cloud Scheduler region such as us-central1',
    alreadyExists: 'The job exists already (made since the plan was read): run apply again.',
    invalidEntry: "this job's entry in cron.yaml (npx next-cloud-tasks cron validate)",
  };
}

/** A SchedulerAdmin over the real @google-cloud/scheduler client in REST mode (works through proxies and with msw), loaded on first use. */
export function createCloudSchedulerAdmin(options: CloudSchedulerAdminOptions): SchedulerAdmin & { close(): Promise<void> } {
  const parent = `projects/${options.project}/locations/${options.location}`;
  const path = (job: string) => `${parent}/jobs/${job}`;
  const { call, close } = createAdminCaller<SchedulerClient>({
    ...options,
    endpoint: `https://${options.apiEndpoint ?? 'cloudscheduler.googleapis.com'}`,
    async createClient(authClient) {
      const { CloudSchedulerClient } = await import('@google-cloud/scheduler');
      return new CloudSchedulerClient({
        fallback: true,
        authClient,
        ...(options.apiEndpoint && { apiEndpoint: options.apiEndpoint }),
      } as ConstructorParameters<typeof CloudSchedulerClient>[0]);
    },
    hints: schedulerHints(options.serviceAccountEmail),
    ErrorClass: CronApiError,
  });

  return {
    async list() {
      const [jobs] = await call(`list jobs in ${parent}`, (c) => c.listJobs({ parent }));
      return (jobs as JobResource[]).map(fromJobResource);
    },
    async create(job) {
      await call(`create job ${job.name}`, (c) => c.createJob({ parent, job: toJobResource(job, path(job.name)) as never }));
    },
    async update(job, fields) {
      await call(`update job ${job.name} (${fields.join(', ')})`, (c) =>
        c.updateJob({ job: toJobResource(job, path(job.name), fields) as never, updateMask: { paths: [...fields] } }),
      );
    },
    async pause(name) {
      await call(`pause job ${name}`, (c) => c.pauseJob({ name: path(name) }));
    },
    async resume(name) {
      await call(`resume job ${name}`, (c) => c.resumeJob({ name: path(name) }));
    },
    close,
  };
}
