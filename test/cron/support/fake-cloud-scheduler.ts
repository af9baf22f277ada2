import { createFakeCollection } from '../../helpers/fake-google-collection';

/**
 * Cloud Scheduler's v1 REST API for jobs, as msw handlers over an in-memory map: what the real
 * @google-cloud/scheduler client sends in REST mode (paths, numeric enums, "180s" durations,
 * base64 bodies, updateMask, pause/resume, Google's error envelope). Every request is recorded.
 */

export interface FakeJob {
  name: string;
  description?: string;
  schedule: string;
  timeZone?: string;
  state: number; // 1 ENABLED, 2 PAUSED, 3 DISABLED
  attemptDeadline?: string;
  retryConfig?: Record<string, unknown>;
  httpTarget?: {
    uri: string;
    httpMethod?: number;
    headers?: Record<string, string>;
    body?: string;
    oidcToken?: { serviceAccountEmail: string; audience: string };
  };
  pubsubTarget?: unknown;
}

export type { RecordedRequest } from '../../helpers/fake-google-collection';

/** Cloud Scheduler fills in its defaults for what a create leaves out, and adds its own User-Agent header. */
function stored(body: FakeJob): FakeJob {
  return {
    ...body,
    state: 1,
    attemptDeadline: body.attemptDeadline ?? '180s',
    retryConfig: {
      retryCount: 0,
      maxRetryDuration: '0s',
      minBackoffDuration: '5s',
      maxBackoffDuration: '3600s',
      maxDoublings: 5,
      ...body.retryConfig,
    },
    ...(body.httpTarget && {
      httpTarget: { ...body.httpTarget, headers: { ...body.httpTarget.headers, 'User-Agent': 'Google-Cloud-Scheduler' } },
    }),
  };
}

/** An updateMask path names a top-level field of the job: `schedule`, `httpTarget`. */
function patched(job: FakeJob, maskPath: string, body: Partial<FakeJob> | undefined): string | undefined {
  if (!(maskPath in (body ?? {}))) return `updateMask path "${maskPath}" not in the request's job`;
  (job as unknown as Record<string, unknown>)[maskPath] = (body as Record<string, unknown>)[maskPath];
  return undefined;
}

export function createFakeCloudScheduler(project: string, location: string) {
  const fake = createFakeCollection<FakeJob>({
    root: 'https://cloudscheduler.googleapis.com/v1/',
    parent: `projects/${project}/locations/${location}`,
    collection: 'jobs',
    noun: 'Job',
    create: (body) => stored(body as FakeJob),
    patch: patched,
  });
  return {
    ...fake,
    jobs: fake.items,
    seed(name: string, over: Partial<FakeJob> = {}) {
      const job = stored({ name: `${fake.listPath}/${name}`, schedule: '0 0 * * *', state: 1, ...over } as FakeJob);
      Object.assign(job, over);
      fake.items.set(job.name, job);
      return job;
    },
  };
}
