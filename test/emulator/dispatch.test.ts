/**
 * Dispatch against a loopback target: what each attempt carries, when retries come (from
 * timestamps), when the emulator gives up, and the queue controls. Backoffs are small so the
 * suite is quick; tolerances allow for a loaded 2-core machine.
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { DEAD_LETTERED, OUTCOME_HEADER } from '@/lib/src/contract/outcomes';
import { backoffSeconds } from '@/lib/src/contract/retry-policy';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { recordEvents, sleep } from './support/events';
import { startTargetServer, type ReceivedRequest, type Reply, type TargetServer } from './support/target-server';

let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;
let events: ReturnType<typeof recordEvents>;
/** Per path, the replies the target gives in turn (the last one repeats). */
const script = new Map<string, Reply[]>();

beforeAll(async () => {
  // A 0.5 s minimum dispatch deadline and 1 s tombstones keep those tests short.
  emulator = await startEmulator({ port: 0, data: ':memory:', limits: { minDispatchDeadlineSeconds: 0.5, tombstoneSeconds: 1 } });
  client = await emulatorClient(emulator.hostPort);
  // Recorded from the start: a fast task can finish before the call that created it returns.
  events = recordEvents(emulator);
  target = await startTargetServer((request) => {
    const replies = script.get(request.path) ?? [{}];
    const seen = target.received.filter((r) => r.path === request.path).length;
    return replies[Math.min(seen - 1, replies.length - 1)];
  });
});

afterAll(async () => {
  events.stop();
  await client.close();
  await emulator.stop();
  await target.close();
});

const seconds = (s: number) => ({ seconds: Math.floor(s), nanos: Math.round((s % 1) * 1e9) });
const requestsTo = (path: string) => target.received.filter((r) => r.path === path);

/** Resolves once `count` requests reached `path`. */
async function waitForPath(path: string, count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  while (requestsTo(path).length < count) {
    if (Date.now() > deadline) throw new Error(`${path} got ${requestsTo(path).length} of ${count} requests within ${timeoutMs} ms`);
    await sleep(10);
  }
  return requestsTo(path);
}

async function makeQueue(
  id: string,
  retry: { maxAttempts?: number; maxRetryDuration?: number; minBackoff?: number; maxBackoff?: number; maxDoublings?: number },
) {
  await client.createQueue({
    parent: PARENT,
    queue: {
      name: queuePath(id),
      retryConfig: {
        maxAttempts: retry.maxAttempts ?? 5,
        ...(retry.maxRetryDuration !== undefined ? { maxRetryDuration: seconds(retry.maxRetryDuration) } : {}),
        minBackoff: seconds(retry.minBackoff ?? 0.05),
        maxBackoff: seconds(retry.maxBackoff ?? 0.05),
        maxDoublings: retry.maxDoublings ?? 16,
      },
    },
  });
}

async function enqueue(queue: string, path: string, extra: Record<string, unknown> = {}) {
  const [task] = await client.createTask({
    parent: queuePath(queue),
    task: {
      httpRequest: {
        url: `${target.url}${path}`,
        httpMethod: 'POST',
        body: Buffer.from(`{"path":"${path}"}`),
        headers: { 'Content-Type': 'application/json', 'X-App': 'demo' },
      },
      ...extra,
    },
  });
  return task;
}

const header = (request: ReceivedRequest, name: string) => request.headers[name.toLowerCase()] as string | undefined;

test('every attempt carries the X-CloudTasks-* headers, counted across retries as Cloud Tasks counts them', async () => {
  await makeQueue('headers', { maxAttempts: 5 });
  script.set('/headers', [{ status: 503 }, { status: 404 }, { status: 200 }]);
  const task = await enqueue('headers', '/headers');
  const done = events.waitFor('task:success', ({ task: t }) => t.name === task.name);
  const [first, second, third] = await waitForPath('/headers', 3);
  await done;

  for (const request of [first, second, third]) {
    expect(header(request, 'User-Agent')).toBe('Google-Cloud-Tasks');
    expect(header(request, 'X-CloudTasks-QueueName')).toBe('headers');
    expect(header(request, 'X-CloudTasks-TaskName')).toBe(task.name!.split('/').pop());
    expect(header(request, 'Content-Type')).toBe('application/json');
    expect(header(request, 'X-App')).toBe('demo');
    expect(request.body.toString()).toBe('{"path":"/headers"}');
    expect(request.method).toBe('POST');
  }
  expect(Number(header(first, 'X-CloudTasks-TaskETA'))).toBeCloseTo(
    Number(task.scheduleTime!.seconds) + task.scheduleTime!.nanos! / 1e9,
    2,
  );
  // Retry count counts every earlier attempt; execution count leaves out 5xx answers.
  expect([first, second, third].map((r) => header(r, 'X-CloudTasks-TaskRetryCount'))).toEqual(['0', '1', '2']);
  expect([first, second, third].map((r) => header(r, 'X-CloudTasks-TaskExecutionCount'))).toEqual(['0', '0', '1']);
  expect([first, second, third].map((r) => header(r, 'X-CloudTasks-TaskPreviousResponse'))).toEqual([undefined, '503', '404']);
  expect([first, second, third].map((r) => header(r, 'X-CloudTasks-TaskRetryReason'))).toEqual([undefined, '', '']);
  // Done: the task is gone, and its name stays taken (tombstone).
  await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
});

test("retries follow Cloud Tasks' backoff (min, doublings, then linear, capped at max), measured from timestamps", async () => {
  // The 10/20/40/80/160/240/300 s sequence, 200 times faster.
  const retry = { maxAttempts: 8, minBackoff: 0.05, maxBackoff: 1.5, maxDoublings: 3 };
  await makeQueue('backoff', retry);
  script.set('/backoff', [
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 200 },
  ]);
  const task = await enqueue('backoff', '/backoff');
  await events.waitFor('task:success', ({ task: t }) => t.name === task.name, 20_000);
  const times = requestsTo('/backoff').map((r) => r.atMs);
  expect(times).toHaveLength(8);
  const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
  const config = { maxAttempts: 8, maxRetryDurationSeconds: 0, minBackoffSeconds: 0.05, maxBackoffSeconds: 1.5, maxDoublings: 3 };
  const expected = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(config, n));
  expect(expected.map((x) => Number(x.toFixed(6)))).toEqual([0.05, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5]);
  gaps.forEach((gap, i) => {
    expect(gap).toBeGreaterThanOrEqual(expected[i] - 0.01);
    expect(gap).toBeLessThan(expected[i] + 0.5); // timers and HTTP on a loaded machine
  });
}, 30_000);

test('max attempts: with no max retry duration, the task gets exactly max attempts, then is dead-lettered', async () => {
  await makeQueue('attempts', { maxAttempts: 3, maxRetryDuration: 0 });
  script.set('/attempts', [{ status: 500 }]);
  const task = await enqueue('attempts', '/attempts');
  const dead = await events.waitFor('task:dead', ({ task: t }) => t.name === task.name);
  expect(dead.reason).toMatch(/gave up after 3 attempt\(s\)/);
  await sleep(300);
  expect(requestsTo('/attempts')).toHaveLength(3);
  await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
});

test('max retry duration: past max attempts, retries go on until the duration has passed too', async () => {
  await makeQueue('duration', { maxAttempts: 2, maxRetryDuration: 1, minBackoff: 0.1, maxBackoff: 0.1 });
  script.set('/duration', [{ status: 500 }]);
  const task = await enqueue('duration', '/duration');
  await events.waitFor('task:dead', ({ task: t }) => t.name === task.name);
  const times = requestsTo('/duration').map((r) => r.atMs);
  expect(times.length).toBeGreaterThan(2);
  // It stops at the first failure answered 1 s or more after the first attempt: the one before
  // the last came in under 1 s, the last about then (its answer, not its start, ends the window).
  expect(times[times.length - 2] - times[0]).toBeLessThan(1000 + 10);
  expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1000 - 150);
});

test('dispatch deadline: an attempt that runs past it fails (no response recorded) and is retried', async () => {
  await makeQueue('deadline', { maxAttempts: 2, minBackoff: 0.05, maxBackoff: 0.05 });
  script.set('/deadline', [{ delayMs: 3000 }]);
  const task = await enqueue('deadline', '/deadline', { dispatchDeadline: seconds(0.5) });
  const dead = await events.waitFor('task:dead', ({ task: t }) => t.name === task.name);
  const [first, second] = requestsTo('/deadline');
  // Timed by the emulator's own task:start events: the deadline runs from the dispatch, and the
  // target's arrival times would shift by however late the first request arrived under load.
  const [firstStart, secondStart] = events.times('task:start', ({ task: t }) => t.name === task.name);
  expect(secondStart - firstStart).toBeGreaterThanOrEqual(500 + 50 - 1);
  expect(second.atMs - first.atMs).toBeLessThan(2000);
  // As recorded from Cloud Tasks: the retry after a timeout says 504, with an empty retry reason.
  expect(header(second, 'X-CloudTasks-TaskRetryReason')).toBe('');
  expect(header(second, 'X-CloudTasks-TaskPreviousResponse')).toBe('504');
  expect(header(second, 'X-CloudTasks-TaskExecutionCount')).toBe('0');
  expect(dead.task.responseCount).toBe(0);
  expect(dead.reason).toMatch(/DEADLINE_EXCEEDED/);
});

test('a paused queue holds its tasks; resume releases them', async () => {
  await makeQueue('pausing', {});
  await client.pauseQueue({ name: queuePath('pausing') });
  await enqueue('pausing', '/paused');
  await sleep(400);
  expect(requestsTo('/paused')).toHaveLength(0);
  await client.resumeQueue({ name: queuePath('pausing') });
  await waitForPath('/paused', 1);
  await sleep(100);
  expect(requestsTo('/paused')).toHaveLength(1);
});

test('purge deletes the waiting tasks: none runs after resume', async () => {
  await makeQueue('purging', {});
  await client.pauseQueue({ name: queuePath('purging') });
  for (let i = 0; i < 3; i++) await enqueue('purging', '/purged');
  await client.purgeQueue({ name: queuePath('purging') });
  await client.resumeQueue({ name: queuePath('purging') });
  await enqueue('purging', '/after-purge');
  await waitForPath('/after-purge', 1);
  await sleep(200);
  expect(requestsTo('/purged')).toHaveLength(0);
  expect(requestsTo('/after-purge')).toHaveLength(1);
});

test('tombstones: the name of a task that ran stays taken for the tombstone time, then is free', async () => {
  await makeQueue('tomb', {});
  const name = `${queuePath('tomb')}/tasks/only-once`;
  const ran = events.waitFor('task:success', ({ task }) => task.name === name);
  await enqueue('tomb', '/tomb', { name });
  await ran;
  await expect(enqueue('tomb', '/tomb', { name })).rejects.toMatchObject({ code: 6 });
  await sleep(1100);
  await enqueue('tomb', '/tomb', { name });
  await waitForPath('/tomb', 2);
});

test('schedule time: a task does not run before it', async () => {
  await makeQueue('later', {});
  const at = Date.now() + 800;
  const task = await enqueue('later', '/later', { scheduleTime: seconds(at / 1000) });
  const ran = await events.waitFor('task:success', ({ task: t }) => t.name === task.name);
  const [request] = requestsTo('/later');
  expect(request.atMs).toBeGreaterThanOrEqual(at - 5);
  expect(request.atMs).toBeLessThan(at + 500);
  expect(Number(header(request, 'X-CloudTasks-TaskETA'))).toBeCloseTo(at / 1000, 2);
  expect(ran.task.dispatchCount).toBe(1);
});

test("a 2xx answer whose outcome header says dead-lettered (the handler's PermanentTaskFailure) dead-letters the task", async () => {
  await makeQueue('outcome', {});
  script.set('/permanent', [{ status: 200, headers: { [OUTCOME_HEADER]: DEAD_LETTERED }, body: 'PermanentTaskFailure: bad input' }]);
  const task = await enqueue('outcome', '/permanent');
  const dead = await events.waitFor('task:dead', ({ task: t }) => t.name === task.name);
  expect(dead.reason).toMatch(/dead-lettered/);
  expect(dead.task.lastError).toBe('PermanentTaskFailure: bad input');
  expect(requestsTo('/permanent')).toHaveLength(1);
  await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
});

test('waitForTask resolves for a task that already finished and for one still to come', async () => {
  await makeQueue('waiting', { maxAttempts: 1 });
  script.set('/wait-dead', [{ status: 500 }]);
  const done = await enqueue('waiting', '/wait-ok');
  await events.waitFor('task:success', ({ task }) => task.name === done.name);
  await expect(emulator.waitForTask(done.name!)).resolves.toMatchObject({ kind: 'success', status: 200 });
  const later = enqueue('waiting', '/wait-dead', { scheduleTime: seconds(Date.now() / 1000 + 0.3) });
  const outcome = await emulator.waitForTask((await later).name!, 5000);
  expect(outcome).toMatchObject({ kind: 'dead', status: 500, reason: expect.stringMatching(/gave up after 1 attempt/) });
  await expect(emulator.waitForTask(`${queuePath('waiting')}/tasks/never`, 100)).rejects.toThrow(
    /neither ran nor was dead-lettered within 100 ms/,
  );
});
