/**
 * deferMany and cancelMany through the production transport (the real @google-cloud/tasks v2
 * and v2beta3 clients over REST, with defer()'s retries) against msw's fake of Cloud Tasks'
 * REST shape (`next-cloud-tasks/testing/msw`), backed by a task-queue stub that plays Cloud
 * Tasks: the counts are the stub's task list. Covers what the emulator cannot be made to do:
 * items failing UNAVAILABLE on their own, an operation answered not yet done (the client polls
 * Cloud Tasks' GetOperation path), a refused permission.
 */
import path from 'node:path';
import { PassThroughClient } from 'google-auth-library';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  CancelManyError,
  cancelMany,
  CloudTasksError,
  createManifest,
  defer,
  DeferManyError,
  deferMany,
  deferrable,
  InvalidCallError,
  TaskAlreadyExistsError,
  type CloudTasksOptions,
} from 'next-cloud-tasks';
import { applyTestOptions, createTaskQueueStub } from 'next-cloud-tasks/testing';
import { cloudTasksRestHandlers, type CloudTasksRestOptions } from 'next-cloud-tasks/testing/msw';
import { withTransportRetries } from '@/lib/src/enqueue/batch-retry';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';

const config: CloudTasksOptions = {
  project: 'my-project',
  location: 'europe-west1',
  serviceUrl: 'https://app.example.com',
  serviceAccount: 'tasks@my-project.iam.gserviceaccount.com',
  audience: 'https://app.example.com',
  logWriter: () => {},
};
const QUEUES = 'projects/my-project/locations/europe-west1/queues';
const FIXTURE = path.join(__dirname, '../fixtures/queues/fan-out.yaml');
const notify = deferrable('followers.notify', (userId: string) => userId);
const manifest = createManifest([notify]);

const server = setupServer();
const seen: { method: string; path: string; body?: any }[] = [];
server.events.on('request:start', async ({ request }) => {
  const body =
    request.method === 'POST'
      ? await request
          .clone()
          .json()
          .catch(() => undefined)
      : undefined;
  seen.push({ method: request.method, path: new URL(request.url).pathname, body });
});
let cloud: ReturnType<typeof createTaskQueueStub>;
let restore: () => void;

/** Cloud Tasks played by a fresh stub behind msw, and defer()'s production transport (retries: 4 tries, no waiting). */
function cloudTasks(options: CloudTasksRestOptions = {}) {
  cloud = createTaskQueueStub({ manifest, queues: { path: FIXTURE } });
  server.resetHandlers(...cloudTasksRestHandlers(cloud, options));
  const authClient = new PassThroughClient({
    transporterOptions: { fetchImplementation: (u: any, i: any) => globalThis.fetch(u, i) },
  } as never);
  const transport = withTransportRetries(createCloudTasksTransport({ clientOptions: { authClient } as never }), { sleep: async () => {} });
  restore?.();
  restore = applyTestOptions({ ...config, queueYaml: FIXTURE, transport });
}

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => {
  restore?.();
  server.close();
});
beforeEach(() => {
  seen.length = 0;
});

const batchCreates = () => seen.filter((request) => request.path.endsWith('/tasks:batchCreate'));
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [`user-${from + i}`] as [string]);
const listed = () =>
  cloud
    .getFilteredTasks()
    .map((task) => task.name)
    .sort();
const namesOf = (items: { ok: boolean; taskName?: string }[]) => items.map((item) => item.taskName!).sort();

test('1,000 calls: 10 BatchCreateTasks calls of 100 at /v2beta3/, every task once', async () => {
  cloudTasks();
  const result = await deferMany(notify, ids(1000));
  expect(result).toMatchObject({ created: 1000, failed: 0 });
  expect(batchCreates()).toHaveLength(10);
  expect(batchCreates().every((call) => call.path === `/v2beta3/${QUEUES}/default/tasks:batchCreate`)).toBe(true);
  expect(batchCreates().map((call) => call.body.requests.length)).toEqual(Array(10).fill(100));
  expect(listed()).toEqual(namesOf(result.items));
  expect(cloud.getFilteredTasks({ name: result.items[0].ok ? result.items[0].taskName : '' })[0].args).toEqual(['user-0']);
}, 30_000); // 1,000 tasks through msw: ~3 s alone, more on a loaded machine

test('a duplicate name fails its item alone', async () => {
  cloudTasks();
  await defer(notify, ['ada'], { name: 'ada-1' });
  const error = (await deferMany(notify, [['grace'], { args: ['ada'], options: { name: 'ada-1' } }]).catch(
    (e: unknown) => e,
  )) as DeferManyError;
  expect(error).toBeInstanceOf(DeferManyError);
  expect(error.result.items).toEqual([
    { ok: true, taskName: expect.stringMatching(/\/tasks\/[0-9a-f]{32}$/) },
    { ok: false, error: expect.any(TaskAlreadyExistsError) },
  ]);
  expect(cloud.getFilteredTasks()).toHaveLength(2);
});

test('items failing UNAVAILABLE go again alone and are made once; the final count is exact', async () => {
  const failedOnce = new Set<number>();
  cloudTasks({
    failItem: ({ method, index }) =>
      method === 'batchCreateTasks' && [3, 7].includes(index) && !failedOnce.has(index) && failedOnce.add(index)
        ? 'UNAVAILABLE'
        : undefined,
  });
  const result = await deferMany(notify, ids(10));
  expect(result.created).toBe(10);
  const [first, again] = batchCreates();
  expect(again.body.requests.map((item: any) => item.task.name)).toEqual([
    first.body.requests[3].task.name,
    first.body.requests[7].task.name,
  ]);
  expect(again.body.requestId).not.toBe(first.body.requestId);
  expect(listed()).toEqual(namesOf(result.items));
  expect(listed()).toHaveLength(10);
});

test('a whole batch answered 503 goes again with the same request id; an item that stays UNAVAILABLE is an error after 4 tries', async () => {
  cloudTasks({ failItem: ({ taskName }) => (taskName?.endsWith('/tasks/stuck') ? 'UNAVAILABLE' : undefined) });
  server.use(
    http.post(
      `https://cloudtasks.googleapis.com/v2beta3/${QUEUES}/default/tasks\\:batchCreate`,
      () => HttpResponse.json({ error: { code: 503, status: 'UNAVAILABLE', message: 'busy' } }, { status: 503 }),
      { once: true },
    ),
  );
  const error = (await deferMany(notify, [['a'], { args: ['stuck'], options: { name: 'stuck' } }, ['b']]).catch(
    (e: unknown) => e,
  )) as DeferManyError;
  expect(error.result).toMatchObject({ created: 2, failed: 1 });
  expect((error.result.items[1] as { error: Error }).error).toMatchObject({
    code: 14,
    message: expect.stringMatching(/answered UNAVAILABLE to all 4 tries/),
  });
  const calls = batchCreates();
  // The lost call and its retry (the same request id); then item 1 alone, twice more: 4 tries in all.
  expect(calls.map((call) => call.body.requests.length)).toEqual([3, 3, 1, 1]);
  expect(calls[1].body.requestId).toBe(calls[0].body.requestId);
  expect(listed()).toHaveLength(2);
});

test("an operation answered not yet done is polled at Cloud Tasks' own GetOperation path", async () => {
  cloudTasks({ pendingOperations: true });
  const result = await deferMany(notify, ids(150));
  expect(result.created).toBe(150);
  const polls = seen.filter((request) => request.method === 'GET' && request.path.includes('/operations/'));
  expect(polls).toHaveLength(2);
  expect(polls.every((poll) => poll.path.startsWith('/v2beta3/projects/my-project/locations/europe-west1/operations/'))).toBe(true);
  expect(listed()).toEqual(namesOf(result.items));
});

test('every call is checked first: a bad one names its index, and nothing is sent', async () => {
  cloudTasks();
  await expect(deferMany(notify, [...ids(4), { args: ['x'], options: { headers: { Authorization: 'Bearer x' } } }])).rejects.toMatchObject({
    name: 'InvalidCallError',
    index: 4,
    message: expect.stringContaining('header "Authorization" cannot be overridden'),
  });
  const error = await deferMany(notify, [['x'.repeat(2 * 1024 * 1024)], ...ids(2)]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidCallError);
  expect(error).toMatchObject({ index: 0 });
  expect(seen).toEqual([]);
});

test("a task's own retry settings travel in v2beta3's CreateTask, whole", async () => {
  cloudTasks();
  await defer(notify, ['ada'], { retry: { maxAttempts: 3, maxBackoff: 60 } });
  const create = seen.find((request) => request.method === 'POST' && request.path.endsWith('/tasks'))!;
  expect(create.path).toBe(`/v2beta3/${QUEUES}/default/tasks`);
  expect(create.body.task.retryConfig).toEqual({
    maxAttempts: 3,
    maxRetryDuration: '0s',
    minBackoff: '0.100s',
    maxBackoff: '60s',
    maxDoublings: 16,
  });
  expect(cloud.getFilteredTasks()[0].retryConfig).toEqual({
    maxAttempts: 3,
    maxRetryDurationSeconds: 0,
    minBackoffSeconds: 0.1,
    maxBackoffSeconds: 60,
    maxDoublings: 16,
  });
  // A task without them is a v2 CreateTask, as ever.
  await defer(notify, ['grace']);
  expect(seen.filter((request) => request.path === `/v2/${QUEUES}/default/tasks`)).toHaveLength(1);
});

test('cancelMany: deleted, already gone, or the error, per name', async () => {
  cloudTasks({ failItem: ({ method, index }) => (method === 'batchDeleteTasks' && index === 2 ? 'PERMISSION_DENIED' : undefined) });
  const { items } = await deferMany(notify, ids(3));
  const [a, b, c] = items.map((item) => (item.ok ? item.taskName : ''));
  cloud.deleteTask(b);
  const error = (await cancelMany([a, b, c]).catch((e: unknown) => e)) as CancelManyError;
  expect(error).toBeInstanceOf(CancelManyError);
  expect(error.result).toMatchObject({
    deleted: 1,
    gone: 1,
    failed: 1,
    items: [
      { name: a, outcome: 'deleted' },
      { name: b, outcome: 'gone' },
      { name: c, outcome: 'failed', error: expect.any(CloudTasksError) },
    ],
  });
  expect(((error.result.items[2] as { error: Error }).error as CloudTasksError).code).toBe(7);
  expect(error.message).toMatch(/1 of 3 tasks could not be deleted \(1 were, 1 were gone already\)/);
  expect(listed()).toEqual([c]);
});

test('cancelMany: a batch refused as a whole (the role missing) fails each of its names, with the role in the message', async () => {
  cloudTasks({ permissionDenied: ['batchDeleteTasks'] });
  const { items } = await deferMany(notify, ids(2));
  const error = (await cancelMany(items.map((item) => (item.ok ? item.taskName : ''))).catch((e: unknown) => e)) as CancelManyError;
  expect(error.result).toMatchObject({ deleted: 0, failed: 2 });
  expect((error.result.items[0] as { error: Error }).error.message).toContain('roles/cloudtasks.taskDeleter');
  expect(cloud.getFilteredTasks()).toHaveLength(2);
});

test('an endpoint without batches: one CreateTask and one DeleteTask per task, the same results', async () => {
  cloudTasks({ withoutBatches: true });
  const result = await deferMany(notify, ids(120), { parallelism: 1 });
  expect(result.created).toBe(120);
  expect(batchCreates()).toHaveLength(1);
  expect(seen.filter((request) => request.path === `/v2/${QUEUES}/default/tasks`)).toHaveLength(120);
  const names = result.items.map((item) => (item.ok ? item.taskName : ''));
  expect(await cancelMany([...names, names[0]])).toMatchObject({ deleted: 120, gone: 1 });
  expect(seen.filter((request) => request.method === 'DELETE')).toHaveLength(121);
  expect(cloud.getFilteredTasks()).toEqual([]);
}, 30_000); // 241 requests through msw, one at a time: ~2 s alone
