import type { CloudTasksClient } from '@google-cloud/tasks';

export type CloudTasksClientOptions = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>;

/**
 * Node's own fetch, looked up at call time, for google-auth-library clients: gaxios' default
 * loads node-fetch through a dynamic import that fails under jest, and a test's interceptor on
 * globalThis.fetch (msw) must be seen.
 */
export const lateFetch = (url: string | URL | Request, init?: RequestInit) => globalThis.fetch(url, init);

/** `host:port` (CLOUD_TASKS_EMULATOR_HOST) split; `[::1]:8123` works, a scheme is tolerated. */
export function splitHostPort(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value.trim().replace(/^https?:\/\//, ''));
  if (!match) throw new Error(`CLOUD_TASKS_EMULATOR_HOST must be host:port (e.g. 127.0.0.1:8123), got "${value}"`);
  return { host: match[1], port: Number(match[2]) };
}

/**
 * A Cloud Tasks client: against the local emulator when `emulatorHost` is given (REST over plain
 * HTTP, no credentials; `options` may still override), else Google's, made with `options`.
 * `@google-cloud/tasks` takes ~400 ms to import and loads gRPC, so it is imported here, on first
 * use, never at start-up or on the task handler's path.
 */
export async function createCloudTasksClient(emulatorHost: string | undefined, options: CloudTasksClientOptions = {}): Promise<CloudTasksClient> {
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  if (!emulatorHost) return new CloudTasksClient(options);
  const { PassThroughClient } = await import('google-auth-library');
  const { host, port } = splitHostPort(emulatorHost);
  return new CloudTasksClient({
    fallback: true,
    apiEndpoint: host,
    port,
    protocol: 'http',
    authClient: new PassThroughClient({ transporterOptions: { fetchImplementation: lateFetch } } as never),
    ...options,
  } as CloudTasksClientOptions);
}
