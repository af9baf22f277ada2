import type { CloudTasksClient, v2beta3 } from '@google-cloud/tasks';
import { splitHostPort } from './host-port.js';
import { httpFetch } from './http-fetch.js';

export type CloudTasksClientOptions = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>;
/** The v2beta3 client: BatchCreateTasks, BatchDeleteTasks and a task's own retry settings live only there. */
export type CloudTasksBetaClient = v2beta3.CloudTasksClient;

/**
 * How to reach `emulatorHost` (plain HTTP, no credentials), or Google's endpoint with the
 * credentials google-auth-library finds. Either way the REST calls go through httpFetch
 * (node:http, whose first request is cheap in a server that already serves with it), not
 * the global fetch (the emulator's before) nor gaxios' node-fetch (Google's before).
 */
async function endpointOptions(emulatorHost: string | undefined): Promise<CloudTasksClientOptions> {
  const transporterOptions = { fetchImplementation: httpFetch };
  if (!emulatorHost) return { clientOptions: { transporterOptions } } as CloudTasksClientOptions;
  const { PassThroughClient } = await import('google-auth-library');
  const { host, port } = splitHostPort(emulatorHost);
  return {
    apiEndpoint: host,
    port,
    protocol: 'http',
    authClient: new PassThroughClient({ transporterOptions } as never),
  } as CloudTasksClientOptions;
}

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
  return new CloudTasksClient({ fallback: true, ...(await endpointOptions(emulatorHost)), ...options } as CloudTasksClientOptions);
}

/**
 * The v2beta3 client, made as `createCloudTasksClient` makes the v2 one, for what only v2beta3
 * has in @google-cloud/tasks 7.1: batch create and delete, and a task's own retry settings.
 * `fallback: 'rest'`, not `true`: both speak REST, but only with 'rest' does the generated client
 * give its operations client Cloud Tasks' path for GetOperation (`/v2beta3/.../operations/*`);
 * with `true` it polls an unfinished batch at google.longrunning's default `/v1/operations/*`,
 * which Cloud Tasks does not serve.
 */
export async function createCloudTasksBetaClient(
  emulatorHost: string | undefined,
  options: CloudTasksClientOptions = {},
): Promise<CloudTasksBetaClient> {
  const { v2beta3 } = await import('@google-cloud/tasks');
  const client = new v2beta3.CloudTasksClient({
    fallback: 'rest',
    ...(await endpointOptions(emulatorHost)),
    ...options,
  } as CloudTasksClientOptions);
  decodeOperationsOnce(client);
  return client;
}

/** What the batches' operations decode to, by method: their response, then their metadata. */
const OPERATION_TYPES = {
  batchCreateTasks: ['.google.cloud.tasks.v2beta3.BatchCreateTasksResponse', '.google.cloud.tasks.v2beta3.BatchCreateTasksMetadata'],
  batchDeleteTasks: ['.google.protobuf.Empty', '.google.cloud.tasks.v2beta3.BatchDeleteTasksMetadata'],
} as const;

type Decode = (value: Uint8Array) => unknown;
interface GeneratedClientInternals {
  _protos?: { lookupType?(name: string): { decode: Decode } };
  descriptors?: { longrunning?: Record<string, { responseDecoder?: Decode; metadataDecoder?: Decode } | undefined> };
}

/**
 * The generated client decodes a batch's operation with `type.decode.bind(type)`, which binds
 * protobufjs's first-call stub: it generates the type's encoder and decoder code again on every
 * call, twice a batch (~3 ms of CPU), which held deferMany of 10,000 tasks to twice its round
 * trips (bench/fanout.bench.ts). The same types' decode, called on the type, is generated once.
 * Reached through the client's own fields; if a version lacks them, its decoders stay as they are.
 */
function decodeOperationsOnce(client: CloudTasksBetaClient): void {
  const { _protos: protos, descriptors } = client as unknown as GeneratedClientInternals;
  if (typeof protos?.lookupType !== 'function') return;
  for (const [method, [response, metadata]] of Object.entries(OPERATION_TYPES)) {
    const descriptor = descriptors?.longrunning?.[method];
    if (!descriptor) continue;
    const responseType = protos.lookupType(response);
    const metadataType = protos.lookupType(metadata);
    descriptor.responseDecoder = (value) => responseType.decode(value);
    descriptor.metadataDecoder = (value) => metadataType.decode(value);
  }
}
