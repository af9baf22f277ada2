import { http, HttpResponse } from 'msw';

/**
 * Cloud Tasks' v2 REST API for queues, as msw handlers over an in-memory map: enough of Google's
 * behaviour (paths, `$alt=json;enum-encoding=int`, numeric enums, "3600s" durations, updateMask,
 * error envelopes) for the real client to talk to it. Every request is recorded for assertions.
 */

export interface FakeQueue {
  name: string; // full resource name
  state: number; // 1 RUNNING, 2 PAUSED, 3 DISABLED
  rateLimits: { maxDispatchesPerSecond: number; maxConcurrentDispatches: number; maxBurstSize: number };
  retryConfig: { maxAttempts: number; maxRetryDuration: string; minBackoff: string; maxBackoff: string; maxDoublings: number };
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

export function createFakeCloudTasks(project: string, location: string) {
  const parent = `projects/${project}/locations/${location}`;
  const queues = new Map<string, FakeQueue>();
  const requests: RecordedRequest[] = [];
  const faults: { status: number; message: string; times: number; match?: RegExp }[] = [];

  const error = (status: number, message: string) =>
    HttpResponse.json({ error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }, { status });

  /** Cloud Tasks fills in its own defaults for what createQueue leaves out. */
  function create(body: Partial<FakeQueue> & { name: string }): FakeQueue {
    return {
      name: body.name,
      state: 1,
      rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 1000, maxBurstSize: 100, ...body.rateLimits },
      retryConfig: {
        maxAttempts: 100,
        maxRetryDuration: '0s',
        minBackoff: '0.100s',
        maxBackoff: '3600s',
        maxDoublings: 16,
        ...body.retryConfig,
      },
    };
  }

  const handler = http.all(/^https:\/\/cloudtasks\.googleapis\.com\/v2\//, async ({ request }) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.replace(/^\/v2\//, ''));
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: request.method, path, query: url.searchParams, body });

    const fault = faults.find((f) => f.times > 0 && (!f.match || f.match.test(`${request.method} ${path}`)));
    if (fault) {
      fault.times--;
      return error(fault.status, fault.message);
    }
    if (!path.startsWith(`${parent}/queues`)) return error(404, `Location ${path} not found`);
    if (request.method === 'GET' && path === `${parent}/queues`) return HttpResponse.json({ queues: [...queues.values()] });
    if (request.method === 'POST' && path === `${parent}/queues`) {
      if (queues.has(body.name)) return error(409, 'Queue already exists');
      const q = create(body);
      queues.set(q.name, q);
      return HttpResponse.json(q);
    }
    const m = /^(.*\/queues\/[^/:]+)(?::(pause|resume))?$/.exec(path);
    const q = m && queues.get(m[1]);
    if (!m || !q) return error(404, `Queue ${path} not found`);
    if (m[2] === 'pause' && request.method === 'POST') q.state = 2;
    else if (m[2] === 'resume' && request.method === 'POST') q.state = 1;
    else if (request.method === 'PATCH') {
      for (const field of (url.searchParams.get('updateMask') ?? '').split(',').filter(Boolean)) {
        const [group, key] = field.split('.') as ['rateLimits' | 'retryConfig', string];
        if (!(group in q) || !body?.[group] || !(key in body[group]))
          return error(400, `updateMask path "${field}" not in the request's queue`);
        (q[group] as Record<string, unknown>)[key] = body[group][key];
      }
    } else return error(400, `unsupported ${request.method} ${path}`);
    return HttpResponse.json(q);
  });

  return {
    handler,
    queues,
    requests,
    /** Answer the next `times` matching requests with an error status (403, 429, ...). */
    fail(status: number, message: string, times = 1, match?: RegExp) {
      faults.push({ status, message, times, match });
    },
    /** Seed a live queue, as if made by someone else (short id, partial settings). */
    seed(name: string, over: Partial<Omit<FakeQueue, 'name'>> = {}) {
      const q = create({ name: `${parent}/queues/${name}` });
      Object.assign(q, {
        ...over,
        rateLimits: { ...q.rateLimits, ...over.rateLimits },
        retryConfig: { ...q.retryConfig, ...over.retryConfig },
      });
      queues.set(q.name, q);
      return q;
    },
    get(name: string) {
      return queues.get(`${parent}/queues/${name}`);
    },
    /** Requests that changed something (everything but the list). */
    writes() {
      return requests
        .filter((r) => r.method !== 'GET')
        .map(
          (r) =>
            `${r.method} ${r.path.replace(`${parent}/queues/`, '')}${r.query.get('updateMask') ? `?updateMask=${r.query.get('updateMask')}` : ''}`,
        );
    },
  };
}
