/**
 * BatchCreateTasks, BatchDeleteTasks and their operations, through the real v2beta3 client of
 * @google-cloud/tasks, over REST (`fallback: true`, as the adapter's transport makes it) and over
 * gRPC, at the emulator's one address: 1,000 tasks in 10 batches that then run; per-item failures
 * (a name twice in a batch, an existing task, a tombstoned name, an invalid task); the request id
 * that makes a retried batch create nothing twice; the 100 / 1,000 limits; batch delete with
 * missing names; GET of the operation.
 */
import { randomUUID } from 'node:crypto';
import type { v2beta3 } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { grpcClientOptions, restClientOptions } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

type Client = v2beta3.CloudTasksClient;
type Operation = Awaited<ReturnType<Client['checkBatchCreateTasksProgress']>>;

const PARENT = 'projects/batch-project/locations/us-central1';
/** BatchCreateTasksMetadata.State and BatchDeleteTasksMetadata.State, as the client decodes them (numbers). */
const SUCCEEDED = 2;
const CREATE_PARTIALLY_SUCCEEDED = 5;
const DELETE_PARTIALLY_SUCCEEDED = 3;

const TRANSPORTS: [string, (emulator: EmulatorHandle) => ConstructorParameters<typeof v2beta3.CloudTasksClient>[0]][] = [
  ['REST', (emulator) => restClientOptions(emulator)],
  ['gRPC', (emulator) => grpcClientOptions(emulator)],
];

let emulator: EmulatorHandle;
let target: TargetServer;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', rateLimits: 'ignore', limits: { tombstoneSeconds: 60 } });
  target = await startTargetServer(() => ({ status: 200 }));
});

afterAll(async () => {
  await emulator?.stop();
  await target?.close();
});

/** google.rpc.Status by index, as the client decodes BatchCreateTasksMetadata.failedRequests. */
const failedOf = (metadata: unknown) =>
  Object.fromEntries(
    Object.entries((metadata as { failedRequests?: Record<string, { code: number; message: string }> }).failedRequests ?? {}).map(
      ([index, status]) => [index, { code: status.code, message: status.message }],
    ),
  );

describe.each(TRANSPORTS)('over %s', (label, options) => {
  let client: Client;
  /** For GET of an operation over REST: a client made with `fallback: 'rest'` (see the operation test). */
  let operations: Client;
  let counter = 0;
  const queuePath = (id: string) => `${PARENT}/queues/${id}-${label.toLowerCase()}`;
  const url = (path: string) => `${target.url}/${label}/${path}`;

  beforeAll(async () => {
    const { v2beta3 } = await import('@google-cloud/tasks');
    client = new v2beta3.CloudTasksClient(options(emulator));
    operations = label === 'REST' ? new v2beta3.CloudTasksClient({ ...options(emulator), fallback: 'rest' }) : client;
  });

  afterAll(async () => {
    await client?.close();
    if (operations !== client) await operations?.close();
  });

  async function pausedQueue(id: string, retryConfig?: object): Promise<string> {
    const name = queuePath(`${id}-${++counter}`);
    await client.createQueue({ parent: PARENT, queue: { name, ...(retryConfig ? { retryConfig } : {}) } });
    await client.pauseQueue({ name });
    return name;
  }

  const task = (queue: string, id?: string, extra: object = {}) => ({
    task: { ...(id ? { name: `${queue}/tasks/${id}` } : {}), httpRequest: { url: url(id ?? 'x'), body: Buffer.from('{}') }, ...extra },
  });

  async function listAll(queue: string): Promise<string[]> {
    const names: string[] = [];
    for await (const listed of client.listTasksAsync({ parent: queue, pageSize: 1000 })) names.push(listed.name!);
    return names;
  }

  test('1,000 tasks in 10 batches: all created, listed, and run', async () => {
    const queue = await pausedQueue('thousand');
    const batches = await Promise.all(
      Array.from({ length: 10 }, async (_, b) => {
        const [operation] = await client.batchCreateTasks({
          parent: queue,
          requests: Array.from({ length: 100 }, (_, i) => task(queue, `t${b * 100 + i}`)),
        });
        expect(operation.done).toBe(true);
        const [response, metadata] = await operation.promise();
        return { response, metadata };
      }),
    );
    for (const { response, metadata } of batches) {
      expect(response.tasks).toHaveLength(100);
      expect(metadata).toMatchObject({ state: SUCCEEDED });
      expect(failedOf(metadata)).toEqual({});
    }
    const created = batches.flatMap(({ response }) => response.tasks!.map((made) => made.name));
    expect(new Set(created).size).toBe(1000);
    expect((await listAll(queue)).sort()).toEqual([...created].sort());

    const before = target.received.length;
    await client.resumeQueue({ name: queue });
    await Promise.all(created.map((name) => emulator.waitForTask(name!, 60_000)));
    const ran = target.received.slice(before).filter((request) => request.path.startsWith(`/${label}/t`));
    expect(new Set(ran.map((request) => request.path)).size).toBe(1000);
    expect(await listAll(queue)).toEqual([]);
  }, 120_000);

  test('per-item failures: a name twice in the batch, an existing task, a tombstoned name, an invalid task', async () => {
    const queue = await pausedQueue('items');
    await client.createTask({ parent: queue, ...task(queue, 'existing') });
    await client.createTask({ parent: queue, ...task(queue, 'gone') });
    await client.deleteTask({ name: `${queue}/tasks/gone` });
    const [operation] = await client.batchCreateTasks({
      parent: queue,
      requests: [
        task(queue, 'first'),
        task(queue, 'twice'),
        task(queue, 'twice'),
        task(queue, 'existing'),
        task(queue, 'gone'),
        { task: { name: `${queue}/tasks/bad`, httpRequest: { url: 'ftp://127.0.0.1/x' } } },
        { ...task(queue), responseView: 'FULL' as const },
      ],
    });
    const [response, metadata] = await operation.promise();
    expect(metadata).toMatchObject({ state: CREATE_PARTIALLY_SUCCEEDED });
    const exists = { code: 6, message: 'Requested entity already exists' };
    expect(failedOf(metadata)).toEqual({
      2: exists,
      3: exists,
      4: exists,
      5: { code: 3, message: "HttpTarget.url must start with 'http://' or 'https://'." },
    });
    const names = response.tasks!.map((made) => made.name!);
    expect(names.slice(0, 2)).toEqual([`${queue}/tasks/first`, `${queue}/tasks/twice`]);
    expect(names[2]).toMatch(new RegExp(`^${queue}/tasks/\\d+$`));
    // Each task in its request's view (Task.View, decoded as numbers: BASIC 1, FULL 2): BASIC leaves the body out.
    expect(response.tasks!.map((made) => made.view)).toEqual([1, 1, 2]);
    expect(Buffer.from(response.tasks![2].httpRequest!.body as Uint8Array).toString()).toBe('{}');
    expect(response.tasks![0].httpRequest!.body ?? Buffer.alloc(0)).toHaveLength(0);
    expect((await listAll(queue)).sort()).toEqual([...names, `${queue}/tasks/existing`].sort());
  });

  test('a batch whose items all fail is PARTIALLY_SUCCEEDED with no tasks', async () => {
    const queue = await pausedQueue('none');
    await client.createTask({ parent: queue, ...task(queue, 'taken') });
    const [operation] = await client.batchCreateTasks({ parent: queue, requests: [task(queue, 'taken')] });
    const [response, metadata] = await operation.promise();
    expect(metadata).toMatchObject({ state: CREATE_PARTIALLY_SUCCEEDED });
    expect(failedOf(metadata)).toEqual({ 0: { code: 6, message: 'Requested entity already exists' } });
    expect(response.tasks ?? []).toEqual([]);
  });

  test('a retried batch with the same request id returns the first operation and creates nothing twice', async () => {
    const queue = await pausedQueue('retried');
    const requestId = randomUUID();
    const requests = [task(queue), task(queue), task(queue, 'named')];
    const [first] = await client.batchCreateTasks({ parent: queue, requests, requestId });
    const [again] = await client.batchCreateTasks({ parent: queue, requests, requestId });
    expect(first.name).toBe(`${PARENT}/operations/${requestId}`);
    expect(again.name).toBe(first.name);
    const [[firstResponse], [againResponse]] = await Promise.all([first.promise(), again.promise()]);
    expect(againResponse.tasks!.map((made) => made.name)).toEqual(firstResponse.tasks!.map((made) => made.name));
    expect(await listAll(queue)).toHaveLength(3);
    // The id names one batch: another queue's batch may not reuse it.
    const other = await pausedQueue('retried-other');
    await expect(client.batchCreateTasks({ parent: other, requests: [task(other)], requestId })).rejects.toMatchObject({ code: 3 });
    await expect(client.batchCreateTasks({ parent: queue, requests, requestId: 'not-a-uuid' })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('request_id must be a valid UUID.'),
    });
  });

  test('limits: 100 tasks and 1,000 names a batch, one queue, refused as a whole with nothing created', async () => {
    const queue = await pausedQueue('limits');
    const tooMany = client.batchCreateTasks({ parent: queue, requests: Array.from({ length: 101 }, () => task(queue)) });
    await expect(tooMany).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('BatchCreateTasksRequest.requests must contain at most 100 requests.'),
    });
    await expect(client.batchCreateTasks({ parent: queue, requests: [] })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('BatchCreateTasksRequest.requests is required.'),
    });
    const elsewhere = { parent: queuePath('elsewhere'), ...task(queue) };
    await expect(client.batchCreateTasks({ parent: queue, requests: [task(queue), elsewhere] })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('must be the same as BatchCreateTasksRequest.parent'),
    });
    const names = Array.from({ length: 1001 }, (_, i) => `${queue}/tasks/n${i}`);
    await expect(client.batchDeleteTasks({ parent: queue, names })).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('BatchDeleteTasksRequest.names must contain at most 1000 names.'),
    });
    await expect(client.batchCreateTasks({ parent: queuePath('missing'), requests: [task(queuePath('missing'))] })).rejects.toMatchObject({
      code: 5,
    });
    expect(await listAll(queue)).toEqual([]);
  });

  test('batch delete: present tasks deleted, missing names reported; none present is ABORTED', async () => {
    const queue = await pausedQueue('delete');
    const [created] = await client.batchCreateTasks({ parent: queue, requests: [task(queue, 'a'), task(queue, 'b')] });
    await created.promise();
    const [operation] = await client.batchDeleteTasks({
      parent: queue,
      names: [`${queue}/tasks/a`, `${queue}/tasks/never`, `${queue}/tasks/b`, `${queue}/tasks/a`],
    });
    const [, metadata] = await operation.promise();
    expect(metadata).toMatchObject({ state: DELETE_PARTIALLY_SUCCEEDED });
    const recentlyGone =
      'The task no longer exists, though a task with this name existed recently. The task either successfully completed or was deleted.';
    expect(failedOf(metadata)).toEqual({
      1: { code: 5, message: 'Requested entity was not found.' },
      3: { code: 5, message: recentlyGone },
    });
    expect(await listAll(queue)).toEqual([]);

    const [none] = await client.batchDeleteTasks({ parent: queue, names: [`${queue}/tasks/never`] });
    await expect(none.promise()).rejects.toMatchObject({
      code: 10,
      message: 'None of the requests succeeded, refer to BatchDeleteTasksMetadata.failed_requests for individual error details',
    });
    // The failed items are still in the operation's metadata (the client leaves it undecoded when `error` is set).
    const decode = (client as unknown as { descriptors: { longrunning: Record<string, { metadataDecoder: (b: unknown) => unknown }> } })
      .descriptors.longrunning.batchDeleteTasks.metadataDecoder;
    expect(failedOf(decode((none.latestResponse.metadata as { value: Uint8Array }).value))).toEqual({
      0: { code: 5, message: 'Requested entity was not found.' },
    });
  });

  test('GET of the operation returns it again; an unknown one is NOT_FOUND', async () => {
    const queue = await pausedQueue('get');
    const [operation] = await client.batchCreateTasks({ parent: queue, requests: [task(queue, 'one'), task(queue, 'one')] });
    const [response] = await operation.promise();
    // Over REST, google-gax decodes GetOperation's answer with the Cloud Tasks types only when the
    // client is made with `fallback: 'rest'` (with `true` it decodes with google.longrunning's alone).
    const again: Operation = await operations.checkBatchCreateTasksProgress(operation.name!);
    expect(again.done).toBe(true);
    expect(again.metadata).toMatchObject({ state: CREATE_PARTIALLY_SUCCEEDED, failedRequests: { 1: { code: 6 } } });
    expect((again.result as { tasks: { name: string }[] }).tasks.map((made) => made.name)).toEqual(
      response.tasks!.map((made) => made.name),
    );
    await expect(operations.checkBatchCreateTasksProgress(`${PARENT}/operations/${randomUUID()}`)).rejects.toMatchObject({ code: 5 });
  });
});

test("Google's JSON at /v2/ too (the API's GA version), and the request guard covers both paths", async () => {
  const queue = `${PARENT}/queues/raw-json`;
  const post = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${emulator.url}/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  expect((await post(`v2/${PARENT}/queues`, { name: queue })).status).toBe(200);
  expect((await post(`v2/${queue}:pause`, {})).status).toBe(200);
  const answer = await post(`v2/${queue}/tasks:batchCreate`, {
    requests: [1, 2].map(() => ({ task: { name: `${queue}/tasks/one`, httpRequest: { url: `${target.url}/raw` } } })),
  });
  expect(answer.status).toBe(200);
  const operation = await answer.json();
  expect(operation).toMatchObject({
    name: expect.stringMatching(new RegExp(`^${PARENT}/operations/[0-9a-f-]{36}$`)),
    done: true,
    metadata: {
      '@type': 'type.googleapis.com/google.cloud.tasks.v2.BatchCreateTasksMetadata',
      state: 'PARTIALLY_SUCCEEDED',
      failedRequests: { 1: { code: 6, message: 'Requested entity already exists' } },
    },
    response: { '@type': 'type.googleapis.com/google.cloud.tasks.v2.BatchCreateTasksResponse', tasks: [{ name: `${queue}/tasks/one` }] },
  });
  // The operation is the version's it was made with, whichever path asks for it again.
  expect(await (await fetch(`${emulator.url}/v2beta3/${operation.name}`)).json()).toEqual(operation);
  // What a web page's form could send: refused before anything is read, under either version.
  for (const api of ['v2', 'v2beta3']) {
    const refused = await post(`${api}/${queue}/tasks:batchDelete`, { names: [`${queue}/tasks/one`] }, 'text/plain');
    expect(refused.status).toBe(400);
  }
  expect((await fetch(`${emulator.url}/v2/${queue}/tasks/one`)).status).toBe(200);
});
