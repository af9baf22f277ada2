/** The real @google-cloud/tasks client in REST mode, pointed at an emulator (PLATFORM-NOTES); and over gRPC. */
import * as grpc from '@grpc/grpc-js';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { PassThroughClient } from 'google-auth-library';
import { createCloudTasksClient } from '@/lib/src/contract/cloud-tasks-client';

/** Made as the adapter makes it for CLOUD_TASKS_EMULATOR_HOST (`emulator.hostPort`). */
export const emulatorClient = (hostPort: string): Promise<CloudTasksClient> => createCloudTasksClient(hostPort);

/**
 * Options for a client over gRPC (plaintext) at the emulator's address. The PassThroughClient
 * matters: without credentials of its own, google-gax asks the metadata server (169.254.169.254)
 * for the universe domain before the first call.
 */
export const grpcClientOptions = ({ host, port }: { host: string; port: number }) => ({
  apiEndpoint: host,
  port,
  sslCreds: grpc.credentials.createInsecure(),
  authClient: new PassThroughClient(),
});

/**
 * Options for a client over REST (google-gax's fallback) at the emulator's address, with no
 * credentials. Fetch is looked up at call time: under jest, gaxios' own import of node-fetch fails.
 */
export const restClientOptions = ({ host, port }: { host: string; port: number }) => ({
  fallback: true as const,
  apiEndpoint: host,
  port,
  protocol: 'http',
  authClient: new PassThroughClient({
    transporterOptions: { fetchImplementation: (url: string, init?: RequestInit) => globalThis.fetch(url, init) },
  } as never),
});

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;
export const queuePath = (id: string) => `${PARENT}/queues/${id}`;
