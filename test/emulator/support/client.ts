/** The real @google-cloud/tasks client in REST mode, pointed at an emulator (PLATFORM-NOTES). */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { createCloudTasksClient } from '@/lib/src/contract/cloud-tasks-client';

/** Made as the adapter makes it for CLOUD_TASKS_EMULATOR_HOST (`emulator.hostPort`). */
export const emulatorClient = (hostPort: string): Promise<CloudTasksClient> => createCloudTasksClient(hostPort);

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;
export const queuePath = (id: string) => `${PARENT}/queues/${id}`;
