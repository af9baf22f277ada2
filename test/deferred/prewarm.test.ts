/**
 * registerDeferred's warm-up (prewarmDefer), against the emulator through the production
 * transport: its rehearsals of the pipeline send nothing (not even a payload to the bucket),
 * announce nothing and call none of the app's code (no trace provider); its one call to Cloud Tasks is a CreateTask the service
 * refuses, so no task exists afterwards. The first real defer() then creates its task and its
 * event as usual.
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { defer, deferrable, onTaskEvent, setTraceProvider } from 'next-cloud-tasks';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { prewarmDefer, resetConfigCache, setPayloadStore } from 'next-cloud-tasks/internals';
import { emulatedAppEnv, startProjectEmulator } from '../helpers/emulated-app';
import { emulatorClient } from '../emulator/support/client';

const greet = deferrable('demo.greet', (name: string, at: Date) => `${name} ${at.toISOString()}`);

let emulator: EmulatorHandle;
let client: CloudTasksClient;
const savedEnv = { ...process.env };
const realFetch = globalThis.fetch;
const calls: { method: string; url: string; status: number }[] = [];
const enqueued: string[] = [];
let stopListening: () => void;
let traceLookups = 0;
/** Every payload object written (the bucket below offloads every envelope). */
const written: string[] = [];

beforeAll(async () => {
  emulator = await startProjectEmulator();
  client = await emulatorClient(emulator.hostPort);
  // Every envelope goes to the bucket, so a rehearsal that offloaded would show.
  Object.assign(process.env, emulatedAppEnv(emulator, 3999), {
    DEFERRED_PAYLOAD_BUCKET: 'gs://payloads/deferred',
    DEFERRED_PAYLOAD_OFFLOAD_BYTES: '0',
  });
  setPayloadStore({
    write: async (bucket, object) => void written.push(`${bucket}/${object}`),
    read: async () => undefined,
    delete: async () => {},
  });
  resetConfigCache();
  // Every request the transport's client sends (it looks fetch up at call time).
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    calls.push({ method: init?.method ?? 'GET', url: String(input instanceof Request ? input.url : input), status: response.status });
    return response;
  };
  setTraceProvider(() => {
    traceLookups++;
    return undefined;
  });
  stopListening = onTaskEvent('task:enqueued', (event) => enqueued.push(event.functionId));
});

afterAll(async () => {
  stopListening?.();
  setTraceProvider(undefined);
  setPayloadStore(undefined);
  globalThis.fetch = realFetch;
  process.env = savedEnv;
  resetConfigCache();
  await client?.close();
  await emulator?.stop();
});

async function taskCount(): Promise<number> {
  const [queues] = await client.listQueues({
    parent: `projects/${emulatedAppEnv(emulator, 0).GOOGLE_CLOUD_PROJECT}/locations/us-central1`,
  });
  let count = 0;
  for (const queue of queues) count += (await client.listTasks({ parent: queue.name! }))[0].length;
  return count;
}

test('the warm-up sends one refused CreateTask, creates no task or payload object, emits no event and runs no app code; a real defer() then does', async () => {
  await prewarmDefer();
  expect(calls).toEqual([
    {
      method: 'POST',
      url: expect.stringMatching(/\/v2\/projects\/dev-project\/locations\/us-central1\/queues\/[^/]+\/tasks(\?|$)/),
      status: 400,
    },
  ]);
  expect(await taskCount()).toBe(0);
  expect(enqueued).toEqual([]);
  expect(traceLookups).toBe(0);
  expect(written).toEqual([]);

  const name = await defer(greet, ['Ada', new Date()]);
  expect(name).toMatch(/^projects\/dev-project\/locations\/us-central1\/queues\/default\/tasks\/.+/);
  expect(calls.filter((call) => call.method === 'POST').map((call) => call.status)).toEqual([400, 200]);
  expect(enqueued).toEqual(['demo.greet']);
  expect(traceLookups).toBe(1);
  expect(written).toEqual([expect.stringMatching(/^payloads\/deferred\/demo\.greet\//)]);
});
