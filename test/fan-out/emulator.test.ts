/**
 * deferMany and cancelMany through the adapter's own transport (the real @google-cloud/tasks
 * v2beta3 client over REST) against the emulator, with a loopback proxy between them that counts
 * the calls and plays the network's tricks: an answer lost after the batch ran, items reported
 * UNAVAILABLE, an endpoint without batches. Every count is the emulator's own task list.
 */
import path from 'node:path';
import type { CloudTasksClient, v2beta3 } from '@google-cloud/tasks';
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
} from 'next-cloud-tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { emulatorClient, restClientOptions } from '../emulator/support/client';
import { startTargetServer, type TargetServer } from '../emulator/support/target-server';
import { googleError, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';

const FIXTURE = path.join(__dirname, '../fixtures/queues/fan-out.yaml');
const PROJECT = 'fan-project';
const LOCATION = 'us-central1';
const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;

const notify = deferrable('followers.notify', (userId: string, team: string) => `${userId}@${team}`);
createManifest([notify]);

let emulator: EmulatorHandle;
let target: TargetServer;
let proxy: FaultProxy;
let client: CloudTasksClient;
let beta: v2beta3.CloudTasksClient;
let restore: () => void;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    data: ':memory:',
    queueYaml: FIXTURE,
    project: PROJECT,
    location: LOCATION,
    rateLimits: 'ignore',
  });
  target = await startTargetServer();
  proxy = await startFaultProxy(emulator.url);
  client = await emulatorClient(emulator.hostPort);
  const { v2beta3 } = await import('@google-cloud/tasks');
  beta = new v2beta3.CloudTasksClient(restClientOptions(emulator));
  // defer()'s own transport for an emulator host, pointed at the proxy: retries (4 tries) included.
  restore = applyTestOptions({
    project: PROJECT,
    location: LOCATION,
    serviceUrl: target.url,
    serviceAccount: 'tasks@fan-project.iam.gserviceaccount.com',
    audience: target.url,
    emulatorHost: proxy.hostPort,
    queueYaml: FIXTURE,
    logWriter: () => {},
  });
});

afterAll(async () => {
  restore?.();
  await client?.close();
  await beta?.close();
  await proxy?.close();
  await emulator?.stop();
  await target?.close();
});

beforeEach(async () => {
  proxy.rule = (_request, forward) => forward();
  proxy.seen.length = 0;
  for (const queue of ['held', 'held-too']) await client.purgeQueue({ name: `${QUEUES}/${queue}` });
});

const batchCalls = (verb: 'batchCreate' | 'batchDelete') => proxy.seen.filter((request) => request.path.includes(`/tasks:${verb}`));
const calls = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [`user-${from + i}`, 'compilers'] as [string, string]);

async function listed(queue: string): Promise<string[]> {
  const names: string[] = [];
  for await (const task of client.listTasksAsync({ parent: `${QUEUES}/${queue}`, pageSize: 1000 })) names.push(task.name!);
  return names.sort();
}

const names = (items: { ok: boolean; taskName?: string }[]) => items.map((item) => item.taskName!).sort();

test('1,000 calls go in 10 BatchCreateTasks calls of 100, each with its own request id; every task exists once, and runs', async () => {
  const result = await deferMany(notify, calls(1000), { queue: 'held' });
  expect(result).toMatchObject({ created: 1000, failed: 0 });
  const batches = batchCalls('batchCreate');
  expect(batches).toHaveLength(10);
  expect(batches.every((batch) => batch.path.startsWith(`/v2beta3/${QUEUES}/held/tasks:batchCreate`))).toBe(true);
  expect(batches.map((batch) => batch.json.requests.length)).toEqual(Array(10).fill(100));
  const requestIds = batches.map((batch) => batch.json.requestId);
  expect(new Set(requestIds).size).toBe(10);
  expect(requestIds.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  expect(await listed('held')).toEqual(names(result.items));

  // The same through a running queue: each task reaches the app once.
  const before = target.received.length;
  const running = await deferMany(notify, calls(1000, 5000));
  expect(running.created).toBe(1000);
  const received = (await target.waitFor(before + 1000, 60_000)).slice(before);
  const users = received.map((request) => /user-(\d+)/.exec(request.body.toString())![1]);
  expect(new Set(users).size).toBe(1000);
  expect(received.every((request) => request.path === '/_ah/queue/deferred/followers.notify')).toBe(true);
}, 120_000);

test('a duplicate name fails its item alone; the call rejects with every outcome', async () => {
  await defer(notify, ['ada', 't'], { queue: 'held', name: 'ada-welcome' });
  const error = (await deferMany(notify, [['grace', 't'], { args: ['ada', 't'], options: { name: 'ada-welcome' } }, ['alan', 't']], {
    queue: 'held',
  }).catch((e: unknown) => e)) as DeferManyError;
  expect(error).toBeInstanceOf(DeferManyError);
  expect(error.result).toMatchObject({ created: 2, failed: 1 });
  expect(error.result.items[1]).toMatchObject({ ok: false, error: expect.any(TaskAlreadyExistsError) });
  expect((error.result.items[1] as { error: Error }).error.message).toContain(`${QUEUES}/held/tasks/ada-welcome already exists`);
  expect(batchCalls('batchCreate')).toHaveLength(1);
  expect(await listed('held')).toHaveLength(3);
});

test('an answer lost after the batch ran: the retry with the same request id gets the first run, nothing is made twice', async () => {
  let lost = 0;
  proxy.rule = async (request, forward) => {
    const answer = await forward();
    // The second batch ran in the emulator, but its answer never reaches the client.
    if (request.path.includes(':batchCreate') && batchCalls('batchCreate').length === 2 && lost++ === 0) {
      return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    }
    return answer;
  };
  const result = await deferMany(notify, calls(250), { queue: 'held', parallelism: 1 });
  expect(result.created).toBe(250);
  const batches = batchCalls('batchCreate');
  expect(batches.map((batch) => batch.json.requests.length)).toEqual([100, 100, 100, 50]);
  // The retry is the same batch: the same request id, the same task names.
  expect(batches[2].json.requestId).toBe(batches[1].json.requestId);
  expect(batches[2].json.requests).toEqual(batches[1].json.requests);
  expect(await listed('held')).toEqual(names(result.items));
  expect(await listed('held')).toHaveLength(250);
});

test('items reported UNAVAILABLE are sent again alone: one that had been made counts once, one that had not is made', async () => {
  let rewritten = false;
  proxy.rule = async (request, forward) => {
    if (!request.path.includes(':batchCreate') || rewritten) return forward();
    rewritten = true;
    // Item 7 never reaches Cloud Tasks; item 3 is made, but both are reported UNAVAILABLE.
    const requests = [...request.json.requests];
    const answer = await forward({ ...request, json: { ...request.json, requests: requests.filter((_: unknown, i: number) => i !== 7) } });
    const created: { name: string }[] = answer.json.response.tasks;
    const unavailable = { code: 14, message: 'The service is currently unavailable.' };
    answer.json.response.tasks = created.filter((task) => task.name !== requests[3].task.name);
    answer.json.metadata.state = 5;
    answer.json.metadata.failedRequests = { 3: unavailable, 7: unavailable };
    return { status: 200, body: answer.json };
  };
  const result = await deferMany(notify, calls(10), { queue: 'held' });
  expect(result).toMatchObject({ created: 10, failed: 0 });
  const [first, again] = batchCalls('batchCreate');
  expect(again.json.requestId).not.toBe(first.json.requestId);
  expect(again.json.requests.map((item: { task: { name: string } }) => item.task.name)).toEqual([
    first.json.requests[3].task.name,
    first.json.requests[7].task.name,
  ]);
  expect(await listed('held')).toEqual(names(result.items));
  expect(await listed('held')).toHaveLength(10);
});

test('each call is checked before any network call: a call too big, or with a header HTTP cannot carry, names its index; nothing is sent', async () => {
  const tooBig = [...calls(5), ['x'.repeat(1024 * 1024), 't'] as [string, string]];
  await expect(deferMany(notify, tooBig, { queue: 'held' })).rejects.toMatchObject({
    name: 'InvalidCallError',
    index: 5,
    message: expect.stringMatching(/refused call 5 .*over the 1048576-byte limit of a Cloud Task/),
  });
  const badHeader = [...calls(2), { args: ['x', 't'] as [string, string], options: { headers: { 'X-Note': 'caf\u00e9 \u2615' } } }];
  const error = await deferMany(notify, badHeader, { queue: 'held' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidCallError);
  expect(error).toMatchObject({ index: 2, message: expect.stringContaining('X-Note') });
  expect(proxy.seen).toEqual([]);
  expect(await listed('held')).toEqual([]);
});

describe('where the endpoint has no BatchCreateTasks, the tasks are created one by one, with the same result', () => {
  test.each([
    ['UNIMPLEMENTED (501)', googleError(501, 'UNIMPLEMENTED', 'Method not found.')],
    ['a plain 404', { status: 404, body: 'Not Found' }],
  ])('%s', async (label, reply) => {
    proxy.rule = async (request, forward) => (request.path.includes(':batchCreate') ? reply : forward());
    const result = await deferMany(notify, [...calls(150), { args: ['named', 't'], options: { name: `named-${label.length}` } }], {
      queue: 'held',
      parallelism: 1,
    });
    expect(result).toMatchObject({ created: 151, failed: 0 });
    // One batch call tells; the rest of the queue's tasks skip it.
    expect(batchCalls('batchCreate')).toHaveLength(1);
    expect(proxy.seen.filter((request) => request.path.startsWith(`/v2/${QUEUES}/held/tasks?`) && request.method === 'POST')).toHaveLength(
      151,
    );
    expect(await listed('held')).toEqual(names(result.items));
    expect(result.items[150]).toEqual({ ok: true, taskName: `${QUEUES}/held/tasks/named-${label.length}` });
  });
});

test('a queue in queue.yaml that Cloud Tasks does not have: each call fails with the fix, after two requests, not one per call', async () => {
  await client.deleteQueue({ name: `${QUEUES}/undeployed` });
  const error = (await deferMany(notify, calls(250), { queue: 'undeployed', parallelism: 1 }).catch((e: unknown) => e)) as DeferManyError;
  expect(error).toBeInstanceOf(DeferManyError);
  expect(error.result).toMatchObject({ created: 0, failed: 250 });
  const reasons = new Set(error.result.items.map((item) => (item.ok ? '' : item.error.message)));
  expect([...reasons]).toEqual([
    expect.stringMatching(/queue .*\/undeployed does not exist in Cloud Tasks: deploy queue.yaml with `npx next-cloud-tasks queues apply`/),
  ]);
  // BatchCreateTasks answered NOT_FOUND; one CreateTask said why; the rest were not sent.
  expect(proxy.seen.map((request) => `${request.method} ${request.path.split('?')[0].split('/').pop()}`)).toEqual([
    'POST tasks:batchCreate',
    'POST tasks',
  ]);
});

test('cancelMany: deleted, already gone, or the error, per name; 1,000 names a call, one queue a call', async () => {
  const held = await deferMany(notify, calls(1001), { queue: 'held' });
  const other = await deferMany(notify, calls(2), { queue: 'held-too' });
  const heldNames = held.items.map((item) => (item.ok ? item.taskName : ''));
  const otherNames = other.items.map((item) => (item.ok ? item.taskName : ''));
  proxy.seen.length = 0;
  // Cloud Tasks is unavailable for held-too, every try.
  proxy.rule = async (request, forward) =>
    request.path.includes('/held-too/tasks:batchDelete')
      ? googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')
      : forward();
  const error = (await cancelMany([...heldNames, heldNames[0], ...otherNames]).catch((e: unknown) => e)) as CancelManyError;
  expect(error).toBeInstanceOf(CancelManyError);
  expect(error.result).toMatchObject({ deleted: 1001, gone: 1, failed: 2 });
  expect(error.result.items[1001]).toEqual({ name: heldNames[0], outcome: 'gone' });
  expect(error.result.items[1002]).toMatchObject({ name: otherNames[0], outcome: 'failed', error: expect.any(CloudTasksError) });
  expect((error.result.items[1002] as { error: Error }).error).toMatchObject({
    code: 14,
    message: expect.stringMatching(/answered UNAVAILABLE to all 4 tries over \d+ ms of BatchDeleteTasks of 2 task\(s\)/),
  });
  const deletes = batchCalls('batchDelete');
  expect(deletes.filter((call) => call.path.includes('/held/')).map((call) => call.json.names.length)).toEqual([1000, 2]);
  // A whole call that failed is sent again as it was: the same request id each time.
  const retried = deletes.filter((call) => call.path.includes('/held-too/'));
  expect(retried).toHaveLength(4);
  expect(new Set(retried.map((call) => call.json.requestId)).size).toBe(1);
  expect(await listed('held')).toEqual([]);
  expect(await listed('held-too')).toEqual([...otherNames].sort());

  proxy.rule = (_request, forward) => forward();
  expect(await cancelMany([heldNames[5], ...otherNames])).toMatchObject({
    deleted: 2,
    gone: 1,
    failed: 0,
    items: [
      { name: heldNames[5], outcome: 'gone' },
      { name: otherNames[0], outcome: 'deleted' },
      { name: otherNames[1], outcome: 'deleted' },
    ],
  });
});

test("a task's own retry settings go whole to Cloud Tasks, the queue's filling in what the call leaves out", async () => {
  const [name] = (await deferMany(notify, [['ada', 't']], { queue: 'held', retry: { maxAttempts: 3 } })).items.map((item) =>
    item.ok ? item.taskName : '',
  );
  const single = await defer(notify, ['grace', 't'], { queue: 'held', retry: { maxAttempts: 2, minBackoff: 5 } });
  const [task] = await beta.getTask({ name });
  // held's settings are App Engine's defaults: 0.1 s to 3600 s, 16 doublings, no attempt or age limit.
  expect(task.retryConfig).toMatchObject({
    maxAttempts: 3,
    minBackoff: { nanos: 100_000_000 },
    maxBackoff: { seconds: '3600' },
    maxDoublings: 16,
  });
  const [own] = await beta.getTask({ name: single });
  // A lone minBackoff above the queue's max backoff raises it (App Engine's rule for queue.yaml).
  expect(own.retryConfig).toMatchObject({ maxAttempts: 2, minBackoff: { seconds: '5' }, maxBackoff: { seconds: '3600' } });
  // defer() of a task with its own retry settings goes through v2beta3's CreateTask.
  expect(proxy.seen.some((request) => request.path.startsWith(`/v2beta3/${QUEUES}/held/tasks`) && request.method === 'POST')).toBe(true);
});
