import { http, HttpResponse } from 'msw';

/**
 * One collection of a Google REST API (Cloud Tasks' queues, Cloud Scheduler's jobs) as an msw
 * handler over an in-memory map: list, create (409 when the name exists), get, patch with an
 * updateMask, `:pause` / `:resume`, and Google's error envelope, with injectable faults. Every
 * request is recorded. What differs per service (its defaults, how a mask path names a field) is
 * passed in.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** A resource of the collection: its full name, and its state as the service's enum number. */
export interface CollectionResource {
  name: string;
  state: number;
}

export interface FakeCollectionOptions<R extends CollectionResource> {
  /** The API's root, e.g. `https://cloudtasks.googleapis.com/v2/`. */
  root: string;
  /** `projects/<project>/locations/<location>`. */
  parent: string;
  /** The collection's path segment and the list response's field: `queues`, `jobs`. */
  collection: string;
  /** The resource's noun in error messages: `Queue`, `Job`. */
  noun: string;
  /** The stored resource for a create's body: the service fills in its defaults. */
  create(body: Partial<R> & { name: string }): R;
  /** Applies one updateMask path from the request's resource; an error message when the body lacks it. */
  patch(resource: R, maskPath: string, body: Partial<R> | undefined): string | undefined;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
};

const PAUSED = 2;
const RUNNING = 1;

export function createFakeCollection<R extends CollectionResource>(options: FakeCollectionOptions<R>) {
  const { root, parent, collection, noun } = options;
  const listPath = `${parent}/${collection}`;
  const items = new Map<string, R>();
  const requests: RecordedRequest[] = [];
  const faults: { status: number; message: string; times: number; match?: RegExp }[] = [];
  const error = (status: number, message: string) =>
    HttpResponse.json({ error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }, { status });
  const itemPath = new RegExp(`^(.*\\/${collection}\\/[^/:]+)(?::(pause|resume))?$`);

  const handler = http.all(new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), async ({ request }) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.replace(new URL(root).pathname, ''));
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: request.method, path, query: url.searchParams, body });

    const fault = faults.find((f) => f.times > 0 && (!f.match || f.match.test(`${request.method} ${path}`)));
    if (fault) {
      fault.times--;
      return error(fault.status, fault.message);
    }
    if (!path.startsWith(listPath)) return error(404, `Location ${path} not found`);
    if (request.method === 'GET' && path === listPath) return HttpResponse.json({ [collection]: [...items.values()] });
    if (request.method === 'POST' && path === listPath) {
      if (items.has(body.name)) return error(409, `${noun} already exists`);
      const item = options.create(body);
      items.set(item.name, item);
      return HttpResponse.json(item);
    }
    const m = itemPath.exec(path);
    const item = m && items.get(m[1]);
    if (!m || !item) return error(404, `${noun} ${path} not found`);
    if (m[2] === 'pause' && request.method === 'POST') item.state = PAUSED;
    else if (m[2] === 'resume' && request.method === 'POST') item.state = RUNNING;
    else if (request.method === 'PATCH') {
      for (const maskPath of (url.searchParams.get('updateMask') ?? '').split(',').filter(Boolean)) {
        const refused = options.patch(item, maskPath, body);
        if (refused) return error(400, refused);
      }
    } else return error(400, `unsupported ${request.method} ${path}`);
    return HttpResponse.json(item);
  });

  return {
    handler,
    items,
    /** Where the collection's resources live: `<parent>/<collection>`. */
    listPath,
    requests,
    /** Answer the next `times` matching requests with an error status (403, 429, ...). */
    fail(status: number, message: string, times = 1, match?: RegExp) {
      faults.push({ status, message, times, match });
    },
    get(id: string): R | undefined {
      return items.get(`${listPath}/${id}`);
    },
    /** Requests that changed something (everything but the list), with short ids. */
    writes() {
      return requests
        .filter((r) => r.method !== 'GET')
        .map(
          (r) =>
            `${r.method} ${r.path.replace(`${listPath}/`, '')}${r.query.get('updateMask') ? `?updateMask=${r.query.get('updateMask')}` : ''}`,
        );
    },
  };
}
