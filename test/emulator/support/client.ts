/** The real @google-cloud/tasks client in REST mode, pointed at an emulator (PLATFORM-NOTES). */
import { CloudTasksClient } from '@google-cloud/tasks';
import { PassThroughClient } from 'google-auth-library';

export function emulatorClient(port: number): CloudTasksClient {
  // Under jest gaxios' own fetch loading fails; look global fetch up at call time instead.
  const authClient = new PassThroughClient({ transporterOptions: { fetchImplementation: (url: any, init: any) => globalThis.fetch(url, init) } } as any);
  return new CloudTasksClient({ fallback: true, apiEndpoint: '127.0.0.1', port, protocol: 'http', authClient } as any);
}

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;
export const queuePath = (id: string) => `${PARENT}/queues/${id}`;
