/**
 * The emulator's REST API over plain fetch, for tests and benches that drive it without the
 * Cloud Tasks client: `api('POST', `${queue}:pause`, {})`.
 */

export type EmulatorApi = (method: string, path: string, body?: unknown) => Promise<any>;

/** Calls `${baseUrl}/v2/${path}`; resolves with the parsed JSON answer, throws on a non-2xx status. */
export function emulatorApi(baseUrl: string): EmulatorApi {
  return async (method, path, body) => {
    // JSON, as the Cloud Tasks clients send it: the emulator refuses other writes (request-guard.ts).
    const headers = body === undefined ? undefined : { 'content-type': 'application/json' };
    const response = await fetch(`${baseUrl}/v2/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

export interface PausedQueueFill {
  /** `projects/P/locations/L`. */
  parent: string;
  id: string;
  rateLimits: object;
  /** Tasks to add, each an HTTP task for `url`. */
  count: number;
  url: string;
  /** BatchCreateTasks calls (100 tasks each) in flight at once. @default 4 */
  parallel?: number;
}

/** Adds `count` HTTP tasks for `url` to the queue, in BatchCreateTasks calls of 100, `parallel` at a time; throws if one fails. */
export async function addTasks(api: EmulatorApi, queue: string, count: number, url: string, parallel = 4): Promise<void> {
  const batches = Array.from({ length: Math.ceil(count / 100) }, (_, b) => Math.min(100, count - b * 100));
  for (let start = 0; start < batches.length; start += parallel) {
    await Promise.all(
      batches.slice(start, start + parallel).map(async (size) => {
        const requests = Array.from({ length: size }, () => ({ task: { httpRequest: { url } } }));
        const operation = await api('POST', `${queue}/tasks:batchCreate`, { requests });
        if (operation.metadata.failedRequests) throw new Error(`batchCreate failed items: ${JSON.stringify(operation.metadata)}`);
      }),
    );
  }
}

/**
 * Creates a queue, pauses it and fills it with `count` tasks, so that creating them takes no
 * dispatch time: resuming it starts the measurement. Resolves with the queue's name.
 */
export async function fillPausedQueue(
  api: EmulatorApi,
  { parent, id, rateLimits, count, url, parallel }: PausedQueueFill,
): Promise<string> {
  const queue = `${parent}/queues/${id}`;
  await api('POST', `${parent}/queues`, { name: queue, rateLimits });
  await api('POST', `${queue}:pause`, {});
  await addTasks(api, queue, count, url, parallel);
  return queue;
}
