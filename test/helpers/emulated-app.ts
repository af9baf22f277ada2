import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { freePort, ROOT, startNextServer, type RunningServer } from './next-server';

export const PROJECT = 'dev-project';
export const LOCATION = 'us-central1';
export const TASKS_EMAIL = `deferred-tasks@${PROJECT}.iam.gserviceaccount.com`;

/** The emulator as `npm run dev` starts it (the project's queue.yaml), in memory, on a free port. */
export function startProjectEmulator(): Promise<EmulatorHandle> {
  return startEmulator({ port: 0, data: ':memory:', queueYaml: join(ROOT, 'queue.yaml'), project: PROJECT, location: LOCATION });
}

/** The app's environment pointed at `emulator`, for an app listening on `port` (what scripts/dev.ts sets). */
export function emulatedAppEnv(emulator: EmulatorHandle, port: number): Record<string, string> {
  return {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    CLOUD_TASKS_LOCATION: LOCATION,
    DEFERRED_SERVICE_URL: `http://127.0.0.1:${port}`,
    DEFERRED_SERVICE_ACCOUNT: TASKS_EMAIL,
    CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort,
  };
}

export interface EmulatedApp {
  emulator: EmulatorHandle;
  app: RunningServer;
  /** The environment the app runs with. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The whole local loop: the emulator, and `next start` of the production build pointed at it. */
export async function startEmulatedApp(extraEnv: Record<string, string> = {}): Promise<EmulatedApp> {
  const emulator = await startProjectEmulator();
  const port = await freePort();
  const env = { ...emulatedAppEnv(emulator, port), ...extraEnv };
  let app: RunningServer;
  try {
    app = await startNextServer(env, port);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return {
    emulator,
    app,
    env,
    async stop() {
      await app.stop();
      await emulator.stop();
    },
  };
}
