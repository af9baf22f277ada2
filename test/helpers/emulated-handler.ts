import type { HandlerOptions, LogWriter } from 'next-cloud-tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { resetTokenVerifier } from '@/lib/src/handle/verify-token';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { recordEvents } from '../emulator/support/events';
import { LOCATION, PROJECT, TASKS_EMAIL } from './emulated-app';
import { startHandlerServer, type HandlerObserver, type HandlerServer } from './handler-server';

export interface EmulatedHandlerOptions {
  /** The app's queue.yaml: the emulator's queues and this process's (its queueYaml option). */
  queueYaml: string;
  /** The handler's options (its manifest, a dead-letter sink). */
  handler: HandlerOptions;
  /** `gs://bucket/prefix`: defer() offloads big payloads to the emulator's Cloud Storage. */
  payloadBucket?: string;
  /** Where the adapter's log lines go; by default nowhere. */
  logWriter?: LogWriter;
  /** Sees each delivery the handler answered. */
  observe?: HandlerObserver;
}

export interface EmulatedHandler {
  emulator: EmulatorHandle;
  /** The core handler on loopback: the app the emulator's tasks call. */
  app: HandlerServer;
  /** What the emulator's dispatcher reported, for waiting on a task's end. */
  events: ReturnType<typeof recordEvents>;
  /** What the CLI commands need to reach the emulator: its host, the project, the location. */
  cliEnv: Record<string, string>;
  /** Stops both and restores this process's environment and options. */
  stop(): Promise<void>;
}

/**
 * The emulator and the task handler on loopback, with this process's environment set as a
 * deployed app's would be, so a test's defer() creates tasks that the emulator dispatches, signed,
 * to the handler: a task's whole life without Next.
 */
export async function startEmulatedHandler(options: EmulatedHandlerOptions): Promise<EmulatedHandler> {
  const savedEnv = { ...process.env };
  const emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: options.queueYaml, project: PROJECT, location: LOCATION });
  const events = recordEvents(emulator);
  const app = await startHandlerServer(options.handler, options.observe);
  const cliEnv = { CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort, GOOGLE_CLOUD_PROJECT: PROJECT, CLOUD_TASKS_LOCATION: LOCATION };
  Object.assign(process.env, cliEnv, { DEFERRED_SERVICE_URL: app.url, DEFERRED_SERVICE_ACCOUNT: TASKS_EMAIL });
  if (options.payloadBucket) {
    Object.assign(process.env, { DEFERRED_PAYLOAD_BUCKET: options.payloadBucket, STORAGE_EMULATOR_HOST: `${emulator.url}/storage/v1` });
  }
  resetTokenVerifier();
  // Applied after the environment is set: the settings are resolved again from it.
  const restoreOptions = applyTestOptions({ queueYaml: options.queueYaml, logWriter: options.logWriter ?? (() => {}) });
  return {
    emulator,
    app,
    events,
    cliEnv,
    async stop() {
      process.env = savedEnv;
      restoreOptions();
      events.stop();
      await app.close();
      await emulator.stop();
    },
  };
}
