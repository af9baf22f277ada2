/**
 * Cloud Tasks API errors on enqueue, through defer()'s default transport (the real client in REST
 * mode) and a fault proxy in front of the real emulator: UNAVAILABLE and DEADLINE_EXCEEDED are
 * retried under the name chosen before the first try, so a try that did create the task never
 * leads to a second one; errors that retrying cannot fix surface at once; persistent failures
 * surface with a message that says what happened and what to do.
 */
import { join } from 'node:path';
import { CloudTasksError, defer, deferrable, TaskAlreadyExistsError } from 'next-cloud-tasks';
import { withEnqueueRetries } from '@/lib/src/enqueue/enqueue-retry';
import { resolveSettings } from '@/lib/src/runtime/config';
import { applyTestOptions } from 'next-cloud-tasks/testing';

const enqueueAttemptsFromEnv = (env: Record<string, string>) => resolveSettings({}, env).enqueueAttempts;
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { ROOT } from '../helpers/next-server';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';

jest.setTimeout(60_000);

const ping = deferrable('faults.ping', (_n: number) => {});
let emulator: EmulatorHandle;
let proxy: FaultProxy;
const savedEnv = { ...process.env };
let restoreOptions: () => void;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: join(ROOT, 'queue.yaml'), project: 'p', location: 'l' });
  proxy = await startFaultProxy(emulator.url);
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: 'p',
    CLOUD_TASKS_LOCATION: 'l',
    // Nothing listens there, and every task waits an hour: the emulator keeps them all to count.
    DEFERRED_SERVICE_URL: 'http://127.0.0.1:9',
    DEFERRED_SERVICE_ACCOUNT: 'tasks@p.iam.gserviceaccount.com',
    CLOUD_TASKS_EMULATOR_HOST: proxy.hostPort,
  });
  // Applied after the environment is set: the settings are resolved again from it.
  restoreOptions = applyTestOptions({});
});

afterAll(async () => {
  process.env = savedEnv;
  restoreOptions?.();
  await proxy.close();
  await emulator.stop();
});

beforeEach(() => {
  proxy.script.length = 0;
  proxy.createCalls.length = 0;
});

async function tasksInEmulator(): Promise<string[]> {
  const response = await fetch(`${emulator.url}/v2/projects/p/locations/l/queues/default/tasks?pageSize=1000`);
  return (((await response.json()) as { tasks?: { name: string }[] }).tasks ?? []).map((t) => t.name);
}

test('UNAVAILABLE twice, then success: one task, every try under the same name', async () => {
  proxy.script.push('unavailable', 'unavailable');
  const name = await defer(ping, [1], { countdown: 3600 });
  expect(proxy.createCalls).toHaveLength(3);
  expect(new Set(proxy.createCalls)).toEqual(new Set([name]));
  expect(name).toMatch(/\/tasks\/[0-9a-f]{32}$/);
  expect((await tasksInEmulator()).filter((t) => t === name)).toHaveLength(1);
});

test('DEADLINE_EXCEEDED after the task was created: the retry finds it (ALREADY_EXISTS) and no duplicate is made', async () => {
  const before = (await tasksInEmulator()).length;
  proxy.script.push('deadline-after-create');
  const name = await defer(ping, [2], { countdown: 3600 });
  expect(proxy.createCalls).toEqual([name, name]);
  expect(await tasksInEmulator()).toHaveLength(before + 1);
  expect(await tasksInEmulator()).toContain(name);
});

test('a name the caller chose is kept across retries, and a duplicate on the first try is still an error', async () => {
  proxy.script.push('unavailable');
  const name = await defer(ping, [3], { countdown: 3600, name: 'invoice-77' });
  expect(name).toBe('projects/p/locations/l/queues/default/tasks/invoice-77');
  expect(proxy.createCalls).toEqual([name, name]);
  await expect(defer(ping, [3], { countdown: 3600, name: 'invoice-77' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
});

test('UNAVAILABLE on every try: a CloudTasksError after 4 tries that names the task and what to do; nothing created', async () => {
  const before = await tasksInEmulator();
  proxy.script.push('unavailable', 'unavailable', 'unavailable', 'unavailable');
  const attempt = defer(ping, [4], { countdown: 3600 });
  await expect(attempt).rejects.toBeInstanceOf(CloudTasksError);
  await expect(attempt).rejects.toMatchObject({ code: 14 });
  await expect(attempt).rejects.toThrow(
    /UNAVAILABLE to all 4 tries .* create projects\/p\/locations\/l\/queues\/default\/tasks\/[0-9a-f]{32}\. .*cannot make a duplicate/,
  );
  expect(proxy.createCalls).toHaveLength(4);
  expect(await tasksInEmulator()).toEqual(before);
});

test('PERMISSION_DENIED is not retried: one try, and the error names the roles', async () => {
  proxy.script.push('permission-denied');
  await expect(defer(ping, [5], { countdown: 3600 })).rejects.toThrow(/roles\/cloudtasks\.enqueuer/);
  expect(proxy.createCalls).toHaveLength(1);
});

test('DEFERRED_ENQUEUE_ATTEMPTS=1 sends unnamed tasks and never retries (no de-duplication lookup latency)', async () => {
  const calls: (string | undefined)[] = [];
  const bare = { createTask: async (r: { taskId?: string }) => (calls.push(r.taskId), Promise.reject(new CloudTasksError(14, 'down'))) };
  const once = withEnqueueRetries(bare as never, { attempts: enqueueAttemptsFromEnv({ DEFERRED_ENQUEUE_ATTEMPTS: '1' }) });
  await expect(once.createTask({ queue: 'default' } as never)).rejects.toThrow('down');
  expect(calls).toEqual([undefined]);
  expect(enqueueAttemptsFromEnv({})).toBe(4);
  expect(enqueueAttemptsFromEnv({ DEFERRED_ENQUEUE_ATTEMPTS: 'lots' })).toBe(4);
});
