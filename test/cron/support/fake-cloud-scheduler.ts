import { http, HttpResponse } from 'msw';

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

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
};

export function createFakeCloudScheduler(project: string, location: string) {
  const parent = `projects/${project}/locations/${location}`;
  const jobs = new Map<string, FakeJob>();
  const requests: RecordedRequest[] = [];
  const faults: { status: number; message: string; times: number; match?: RegExp }[] = [];
  const error = (status: number, message: string) =>
    HttpResponse.json({ error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }, { status });

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

  const handler = http.all(/^https:\/\/cloudscheduler\.googleapis\.com\/v1\//, async ({ request }) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\//, ''));
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: request.method, path, query: url.searchParams, body });
    const fault = faults.find((f) => f.times > 0 && (!f.match || f.match.test(`${request.method} ${path}`)));
    if (fault) {
      fault.times--;
      return error(fault.status, fault.message);
    }
    if (!path.startsWith(`${parent}/jobs`)) return error(404, `Location ${path} not found`);
    if (request.method === 'GET' && path === `${parent}/jobs`) return HttpResponse.json({ jobs: [...jobs.values()] });
    if (request.method === 'POST' && path === `${parent}/jobs`) {
      if (jobs.has(body.name)) return error(409, 'Job already exists');
      const job = stored(body);
      jobs.set(job.name, job);
      return HttpResponse.json(job);
    }
    const m = /^(.*\/jobs\/[^/:]+)(?::(pause|resume))?$/.exec(path);
    const job = m && jobs.get(m[1]);
    if (!m || !job) return error(404, `Job ${path} not found`);
    if (m[2] === 'pause' && request.method === 'POST') job.state = 2;
    else if (m[2] === 'resume' && request.method === 'POST') job.state = 1;
    else if (request.method === 'PATCH') {
      for (const field of (url.searchParams.get('updateMask') ?? '').split(',').filter(Boolean)) {
        if (!(field in (body ?? {}))) return error(400, `updateMask path "${field}" not in the request's job`);
        (job as unknown as Record<string, unknown>)[field] = body[field];
      }
    } else return error(400, `unsupported ${request.method} ${path}`);
    return HttpResponse.json(job);
  });

  return {
    handler,
    jobs,
    requests,
    fail(status: number, message: string, times = 1, match?: RegExp) {
      faults.push({ status, message, times, match });
    },
    seed(name: string, over: Partial<FakeJob> = {}) {
      const job = stored({ name: `${parent}/jobs/${name}`, schedule: '0 0 * * *', state: 1, ...over } as FakeJob);
      Object.assign(job, over);
      jobs.set(job.name, job);
      return job;
    },
    get(name: string) {
      return jobs.get(`${parent}/jobs/${name}`);
    },
    /** Requests that changed something (everything but the list). */
    writes() {
      return requests
        .filter((r) => r.method !== 'GET')
        .map(
          (r) =>
            `${r.method} ${r.path.replace(`${parent}/jobs/`, '')}${r.query.get('updateMask') ? `?updateMask=${r.query.get('updateMask')}` : ''}`,
        );
    },
  };
}
