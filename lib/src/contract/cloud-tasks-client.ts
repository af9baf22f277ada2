import type { CloudTasksClient } from '@google-cloud/tasks';
import { splitHostPort } from './host-port.js';
import { lateFetch } from './late-fetch.js';

export type CloudTasksClientOptions = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>;

/**
 * A Cloud Tasks client: against the local emulator when `emulatorHost` is given (REST over plain
 * HTTP, no credentials; `options` may still override), else Google's, made with `options`.
 * Both speak REST (google-gax's `fallback`), so production runs the path the emulator tests run:
 * measured in docs/transport.md, a gRPC channel whose connection was dropped while Cloud Run
 * throttled the CPU fails the next createTask with UNAVAILABLE, where REST reconnects; REST's
 * first call is also faster and lighter. `{ fallback: false }` in `options` chooses gRPC.
 * `@google-cloud/tasks` takes ~200-400 ms to import and loads gRPC, so it is imported here, on
 * first use: registerDeferred at start (unless its prewarm option is false), the first
 * defer(), or the queue commands; never on the task handler's path.
 */
export async function createCloudTasksClient(
  emulatorHost: string | undefined,
  options: CloudTasksClientOptions = {},
): Promise<CloudTasksClient> {
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  if (!emulatorHost) return new CloudTasksClient({ fallback: true, ...options } as CloudTasksClientOptions);
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
