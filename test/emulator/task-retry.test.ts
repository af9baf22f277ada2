/**
 * A task's own retry settings (v2beta3's Task.retry_config), through the real v2beta3 client over
 * REST and gRPC: they override the queue's, field by field, in dispatch (the attempt a task is
 * dead-lettered at, the backoff between attempts); GetTask returns them; bad values get Google's
 * messages; the dashboard shows them.
 */
import type { v2beta3 } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { backoffSeconds } from '@/lib/src/contract/retry-policy';
import { grpcClientOptions, restClientOptions } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

const PARENT = 'projects/retry-project/locations/us-central1';
const QUEUE_RETRY = { maxAttempts: 10, minBackoff: { nanos: 50e6 }, maxBackoff: { nanos: 50e6 } };

let emulator: EmulatorHandle;
let target: TargetServer;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  // Every attempt fails: only the retry settings decide how many there are.
  target = await startTargetServer(() => ({ status: 500 }));
});

afterAll(async () => {
  await emulator?.stop();
  await target?.close();
});

describe.each([
  ['REST', restClientOptions],
  ['gRPC', grpcClientOptions],
] as const)('over %s', (label, options) => {
  let client: v2beta3.CloudTasksClient;
  let queue: string;
  const path = (id: string) => `/${label}/${id}`;
  const task = (id: string, retryConfig?: object) => ({
    name: `${queue}/tasks/${label}-${id}`,
    httpRequest: { url: `${target.url}${path(id)}` },
    ...(retryConfig ? { retryConfig } : {}),
  });

  beforeAll(async () => {
    const { v2beta3 } = await import('@google-cloud/tasks');
    client = new v2beta3.CloudTasksClient(options(emulator));
    queue = `${PARENT}/queues/retry-${label.toLowerCase()}`;
    await client.createQueue({ parent: PARENT, queue: { name: queue, retryConfig: QUEUE_RETRY } });
  });

  afterAll(async () => {
    await client?.close();
  });

  test("a task's maxAttempts dead-letters it at that attempt; its neighbour keeps the queue's 10", async () => {
    const [own] = await client.createTask({ parent: queue, task: task('own', { maxAttempts: 3 }) });
    expect(own.retryConfig).toMatchObject({ maxAttempts: 3 });
    const [plain] = await client.createTask({ parent: queue, task: task('plain') });
    const dead = await emulator.waitForTask(own.name!, 20_000);
    expect(dead.kind).toBe('dead');
    expect(dead.reason).toMatch(/gave up after 3 attempt\(s\) \(max attempts 3, .*the task's own retry settings\)/);
    expect(target.requestsTo(path('own'))).toHaveLength(3);
    // The queue's settings still hold for the task without its own: it goes past 3.
    await target.waitForPath(path('plain'), 5, 20_000);
    await client.deleteTask({ name: plain.name! });
  });

  test("a task's backoffs and doublings space its attempts; the fields it leaves out come from the queue", async () => {
    const own = { maxAttempts: 4, minBackoff: { nanos: 200e6 }, maxBackoff: { nanos: 800e6 }, maxDoublings: 1 };
    const [created] = await client.createTask({ parent: queue, task: task('backoff', own) });
    const finished = await emulator.waitForTask(created.name!, 20_000);
    expect(finished.kind).toBe('dead');
    const attempts = target.requestsTo(path('backoff'));
    expect(attempts).toHaveLength(4);
    const retry = { maxAttempts: 4, maxRetryDurationSeconds: 0, minBackoffSeconds: 0.2, maxBackoffSeconds: 0.8, maxDoublings: 1 };
    const expected = [1, 2, 3].map((failed) => backoffSeconds(retry, failed) * 1000);
    expect(expected).toEqual([200, 400, 800]);
    attempts.slice(1).forEach((attempt, i) => {
      const gap = attempt.atMs - attempts[i].atMs;
      // Never early; late by at most what a loaded 2-core machine adds.
      expect(gap).toBeGreaterThanOrEqual(expected[i] - 20);
      expect(gap).toBeLessThan(expected[i] + 600);
    });
  });

  test('GetTask returns the settings; bad values get Google’s messages', async () => {
    const [created] = await client.createTask({
      parent: queue,
      task: {
        ...task('stored', { maxAttempts: 7, maxRetryDuration: { seconds: 60 } }),
        scheduleTime: { seconds: Date.now() / 1000 + 3600 },
      },
    });
    const [got] = await client.getTask({ name: created.name! });
    expect(got.retryConfig).toMatchObject({ maxAttempts: 7, maxRetryDuration: { seconds: '60' } });
    await client.deleteTask({ name: created.name! });
    await expect(client.createTask({ parent: queue, task: task('bad-attempts', { maxAttempts: -2 }) })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('RetryConfig.maxAttempts must be greater or equal to -1.'),
    });
    const reversed = { minBackoff: { seconds: 10 }, maxBackoff: { seconds: 1 } };
    await expect(client.createTask({ parent: queue, task: task('bad-order', reversed) })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('RetryConfig.minBackoff must be less than or equal to RetryConfig.maxBackoff.'),
    });
  });

  test('the dashboard shows a waiting task’s own settings', async () => {
    const later = { seconds: Math.floor(Date.now() / 1000) + 3600 };
    const [created] = await client.createTask({
      parent: queue,
      task: { ...task('shown', { maxAttempts: 2, minBackoff: { seconds: 5 } }), scheduleTime: later },
    });
    const page = await (await fetch(`${emulator.url}/?queue=${queue.split('/').pop()}`)).text();
    const row = page.slice(page.indexOf(`data-task="${label}-shown"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/own retry: 2 attempts · 5 s → queue/);
    await client.deleteTask({ name: created.name! });
  });
});
