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
  /** createTask calls in flight at once. @default 50 */
  batch?: number;
}

/**
 * Creates a queue, pauses it and fills it with `count` tasks, so that creating them takes no
 * dispatch time: resuming it starts the measurement. Resolves with the queue's name.
 */
export async function fillPausedQueue(
  api: EmulatorApi,
  { parent, id, rateLimits, count, url, batch = 50 }: PausedQueueFill,
): Promise<string> {
  const queue = `${parent}/queues/${id}`;
  await api('POST', `${parent}/queues`, { name: queue, rateLimits });
  await api('POST', `${queue}:pause`, {});
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, () => api('POST', `${queue}/tasks`, { task: { httpRequest: { url } } })),
    );
  }
  return queue;
}
