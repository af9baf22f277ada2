/**
 * The real @google-cloud/tasks client (REST mode) against the emulator on loopback: every method
 * the adapter and the queue CLI use, Google's resource shapes, and each error with its code.
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';
import { hintOf } from './support/google-error';

let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  client = await emulatorClient(emulator.hostPort);
  // Slow enough that a task can be seen "in flight".
  target = await startTargetServer((request) => ({ delayMs: request.path.includes('slow') ? 1500 : 0 }));
});

afterAll(async () => {
  await client.close();
  await emulator.stop();
  await target.close();
});

/** The gax error of a failing call: its gRPC code, HTTP status and message. */
async function failure(call: Promise<unknown>): Promise<{ code: number; httpStatusCode?: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; httpStatusCode?: number; message: string };
  }
  throw new Error('expected the call to fail');
}

const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9 };
const taskBody = {
  httpRequest: {
    url: '',
    httpMethod: 'POST' as const,
    body: Buffer.from('{"hello":"world"}'),
    headers: { 'Content-Type': 'application/json' },
  },
};
const httpTask = (path: string, extra: Record<string, unknown> = {}) => ({
  ...taskBody,
  ...extra,
  httpRequest: { ...taskBody.httpRequest, url: `${target.url}${path}` },
});

describe('queues', () => {
  test('createQueue returns the queue in Google shape, with Cloud Tasks defaults for unset fields', async () => {
    const [queue] = await client.createQueue({
      parent: PARENT,
      queue: {
        name: queuePath('created'),
        rateLimits: { maxDispatchesPerSecond: 5 },
        retryConfig: { maxAttempts: 7, minBackoff: { seconds: 1, nanos: 500_000_000 } },
      },
    });
    expect(queue.name).toBe(queuePath('created'));
    expect(queue.state).toBe('RUNNING');
    expect(queue.rateLimits).toMatchObject({ maxDispatchesPerSecond: 5, maxConcurrentDispatches: 1000, maxBurstSize: 1 });
    expect(queue.retryConfig).toMatchObject({ maxAttempts: 7, maxDoublings: 16 });
    expect(Number(queue.retryConfig!.minBackoff!.seconds)).toBe(1);
    expect(queue.retryConfig!.minBackoff!.nanos).toBe(500_000_000);
    expect(Number(queue.retryConfig!.maxBackoff!.seconds)).toBe(3600);

    const [got] = await client.getQueue({ name: queuePath('created') });
    expect(got).toEqual(queue);
  });

  test('listQueues lists the queues of a location, page by page', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) await client.createQueue({ parent: PARENT, queue: { name: queuePath(id) } });
    const [all] = await client.listQueues({ parent: PARENT });
    expect(all.map((q) => q.name)).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c'].map(queuePath)));
    const [page1, next, response] = await client.listQueues({ parent: PARENT, pageSize: 2 }, { autoPaginate: false });
    expect(page1).toHaveLength(2);
    expect(response?.nextPageToken).toBeTruthy();
    const [page2] = await client.listQueues({ ...next!, parent: PARENT, pageSize: 2 }, { autoPaginate: false });
    expect(page2.map((q) => q.name)).not.toContain(page1[0].name);
    const [other] = await client.listQueues({ parent: 'projects/other/locations/europe-west1' });
    expect(other).toEqual([]);
  });

  test('updateQueue changes exactly the fields of its updateMask, and creates a missing queue', async () => {
    await client.createQueue({
      parent: PARENT,
      queue: { name: queuePath('patched'), rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 7 } },
    });
    const [updated] = await client.updateQueue({
      queue: {
        name: queuePath('patched'),
        rateLimits: { maxDispatchesPerSecond: 20, maxConcurrentDispatches: 99 },
        retryConfig: { maxAttempts: 3 },
      },
      updateMask: { paths: ['rateLimits.maxDispatchesPerSecond', 'retryConfig.maxAttempts'] },
    });
    expect(updated.rateLimits).toMatchObject({ maxDispatchesPerSecond: 20, maxConcurrentDispatches: 7 });
    expect(updated.retryConfig!.maxAttempts).toBe(3);

    const [created] = await client.updateQueue({ queue: { name: queuePath('made-by-patch'), rateLimits: { maxDispatchesPerSecond: 2 } } });
    expect(created.rateLimits!.maxDispatchesPerSecond).toBe(2);
    expect((await client.getQueue({ name: queuePath('made-by-patch') }))[0].state).toBe('RUNNING');
  });

  test('pause, resume, purge and delete', async () => {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('lifecycle') } });
    expect((await client.pauseQueue({ name: queuePath('lifecycle') }))[0].state).toBe('PAUSED');
    expect((await client.getQueue({ name: queuePath('lifecycle') }))[0].state).toBe('PAUSED');
    await client.createTask({ parent: queuePath('lifecycle'), task: httpTask('/held') });
    expect((await client.listTasks({ parent: queuePath('lifecycle') }))[0]).toHaveLength(1);

    const [purged] = await client.purgeQueue({ name: queuePath('lifecycle') });
    expect(Number(purged.purgeTime!.seconds)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect((await client.listTasks({ parent: queuePath('lifecycle') }))[0]).toHaveLength(0);

    expect((await client.resumeQueue({ name: queuePath('lifecycle') }))[0].state).toBe('RUNNING');
    await client.deleteQueue({ name: queuePath('lifecycle') });
    expect((await failure(client.getQueue({ name: queuePath('lifecycle') }))).code).toBe(GRPC.NOT_FOUND);
    expect(target.received.some((r) => r.path === '/held')).toBe(false);
  });
});

describe('tasks', () => {
  beforeAll(async () => {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('tasks') } });
    // Tasks here are only looked at, never run.
    await client.pauseQueue({ name: queuePath('tasks') });
  });

  test('createTask returns the task; getTask in BASIC view omits the body, FULL has it', async () => {
    const scheduleSeconds = Math.floor(Date.now() / 1000) + 3600;
    const [task] = await client.createTask({
      parent: queuePath('tasks'),
      task: {
        name: `${queuePath('tasks')}/tasks/t1`,
        scheduleTime: { seconds: scheduleSeconds },
        dispatchDeadline: { seconds: 120 },
        httpRequest: {
          ...httpTask('/t1').httpRequest,
          oidcToken: { serviceAccountEmail: 'sa@test-project.iam.gserviceaccount.com', audience: 'https://app.example' },
        },
      },
      responseView: 'FULL',
    });
    expect(task.name).toBe(`${queuePath('tasks')}/tasks/t1`);
    expect(Number(task.scheduleTime!.seconds)).toBe(scheduleSeconds);
    expect(Number(task.dispatchDeadline!.seconds)).toBe(120);
    expect(task.dispatchCount).toBe(0);
    expect(task.view).toBe('FULL');
    expect(Buffer.from(task.httpRequest!.body as Uint8Array).toString()).toBe('{"hello":"world"}');
    expect(task.httpRequest).toMatchObject({
      url: `${target.url}/t1`,
      httpMethod: 'POST',
      oidcToken: { serviceAccountEmail: 'sa@test-project.iam.gserviceaccount.com', audience: 'https://app.example' },
    });
    expect(Number(task.createTime!.seconds)).toBeLessThanOrEqual(Date.now() / 1000);

    const [basic] = await client.getTask({ name: task.name! });
    expect(basic.view).toBe('BASIC');
    expect(basic.httpRequest!.body?.length ?? 0).toBe(0);
    const [full] = await client.getTask({ name: task.name!, responseView: 'FULL' });
    expect(Buffer.from(full.httpRequest!.body as Uint8Array).toString()).toBe('{"hello":"world"}');
  });

  test('a task without a name gets a generated numeric id', async () => {
    const [task] = await client.createTask({ parent: queuePath('tasks'), task: httpTask('/anon') });
    expect(task.name).toMatch(new RegExp(`^${queuePath('tasks')}/tasks/\\d{15,}$`));
  });

  test('listTasks pages through the tasks of a queue; deleteTask removes one', async () => {
    for (let i = 0; i < 3; i++)
      await client.createTask({
        parent: queuePath('tasks'),
        task: httpTask(`/list-${i}`, { name: `${queuePath('tasks')}/tasks/list-${i}` }),
      });
    const [all] = await client.listTasks({ parent: queuePath('tasks') });
    expect(all.map((t) => t.name)).toEqual(expect.arrayContaining([0, 1, 2].map((i) => `${queuePath('tasks')}/tasks/list-${i}`)));
    const [page, , response] = await client.listTasks({ parent: queuePath('tasks'), pageSize: 2 }, { autoPaginate: false });
    expect(page).toHaveLength(2);
    expect(response?.nextPageToken).toBeTruthy();

    await client.deleteTask({ name: `${queuePath('tasks')}/tasks/list-1` });
    const [after] = await client.listTasks({ parent: queuePath('tasks') });
    expect(after.map((t) => t.name)).not.toContain(`${queuePath('tasks')}/tasks/list-1`);
    expect((await failure(client.getTask({ name: `${queuePath('tasks')}/tasks/list-1` }))).code).toBe(GRPC.NOT_FOUND);
  });

  test('runTask dispatches at once, even in a paused queue, and returns the task with its attempt', async () => {
    const name = `${queuePath('tasks')}/tasks/run-me`;
    await client.createTask({
      parent: queuePath('tasks'),
      task: httpTask('/run-me', { name, scheduleTime: { seconds: Math.floor(Date.now() / 1000) + 86400 } }),
    });
    const [ran] = await client.runTask({ name });
    expect(ran.dispatchCount).toBe(1);
    expect(ran.firstAttempt?.dispatchTime).toBeTruthy();
    await target.waitFor(target.received.filter((r) => r.path !== '/run-me').length + 1);
    expect(target.received.some((r) => r.path === '/run-me')).toBe(true);
  });
});

describe('errors, with their codes', () => {
  test('ALREADY_EXISTS (409): a queue created twice, a task name taken, a task name tombstoned', async () => {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('dupes') } });
    await client.pauseQueue({ name: queuePath('dupes') });
    const queueError = await failure(client.createQueue({ parent: PARENT, queue: { name: queuePath('dupes') } }));
    expect(queueError).toMatchObject({ code: GRPC.ALREADY_EXISTS, httpStatusCode: 409 });

    const name = `${queuePath('dupes')}/tasks/once`;
    await client.createTask({ parent: queuePath('dupes'), task: httpTask('/once', { name }) });
    expect(await failure(client.createTask({ parent: queuePath('dupes'), task: httpTask('/once', { name }) }))).toMatchObject({
      code: GRPC.ALREADY_EXISTS,
      httpStatusCode: 409,
    });
    await client.deleteTask({ name });
    const tombstoned = await failure(client.createTask({ parent: queuePath('dupes'), task: httpTask('/once', { name }) }));
    expect(tombstoned.code).toBe(GRPC.ALREADY_EXISTS);
    expect(tombstoned.message).toBe('Requested entity already exists');
    expect(hintOf(tombstoned)).toMatch(/existed too recently/);
  });

  test('NOT_FOUND (404): missing queue, task in a missing queue, missing task', async () => {
    expect(await failure(client.getQueue({ name: queuePath('nope') }))).toMatchObject({ code: GRPC.NOT_FOUND, httpStatusCode: 404 });
    expect((await failure(client.createTask({ parent: queuePath('nope'), task: httpTask('/x') }))).code).toBe(GRPC.NOT_FOUND);
    expect((await failure(client.deleteQueue({ name: queuePath('nope') }))).code).toBe(GRPC.NOT_FOUND);
    expect((await failure(client.pauseQueue({ name: queuePath('nope') }))).code).toBe(GRPC.NOT_FOUND);
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('empty') } });
    expect((await failure(client.getTask({ name: `${queuePath('empty')}/tasks/nope` }))).code).toBe(GRPC.NOT_FOUND);
    expect((await failure(client.deleteTask({ name: `${queuePath('empty')}/tasks/nope` }))).code).toBe(GRPC.NOT_FOUND);
    expect((await failure(client.runTask({ name: `${queuePath('empty')}/tasks/nope` }))).code).toBe(GRPC.NOT_FOUND);
  });

  test('INVALID_ARGUMENT (400): ids, rate, concurrency, backoffs, update mask', async () => {
    const invalid = async (call: Promise<unknown>, message: RegExp) => {
      const error = await failure(call);
      expect(error).toMatchObject({ code: GRPC.INVALID_ARGUMENT, httpStatusCode: 400 });
      // Google's message, then the emulator's hint (a DebugInfo detail).
      expect(`${error.message} ${hintOf(error)}`).toMatch(message);
    };
    await invalid(client.createQueue({ parent: PARENT, queue: { name: queuePath('bad_id') } }), /QUEUE_ID has 1 to 100/);
    await invalid(client.createQueue({ parent: PARENT, queue: { name: queuePath('x'.repeat(101)) } }), /QUEUE_ID/);
    await invalid(
      client.createQueue({ parent: PARENT, queue: { name: queuePath('fast'), rateLimits: { maxDispatchesPerSecond: 501 } } }),
      /maximum of 500/,
    );
    await invalid(
      client.createQueue({ parent: PARENT, queue: { name: queuePath('wide'), rateLimits: { maxConcurrentDispatches: 5001 } } }),
      /maximum of 5000/,
    );
    await invalid(
      client.createQueue({
        parent: PARENT,
        queue: { name: queuePath('backoff'), retryConfig: { minBackoff: { seconds: 10 }, maxBackoff: { seconds: 5 } } },
      }),
      /must not exceed/,
    );
    await invalid(
      client.createQueue({ parent: PARENT, queue: { name: 'projects/p/locations/l/queues/elsewhere' } }),
      /must begin with projects\/test-project/,
    );
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('masked') } });
    await invalid(
      client.updateQueue({ queue: { name: queuePath('masked'), state: 'PAUSED' }, updateMask: { paths: ['state'] } }),
      /updateMask path "state" is not supported/,
    );
  });

  test('INVALID_ARGUMENT (400): task id, schedule time, dispatch deadline, size', async () => {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('checks') } });
    await client.pauseQueue({ name: queuePath('checks') });
    const parent = queuePath('checks');
    const invalid = async (task: Record<string, unknown>, message: RegExp) => {
      const error = await failure(client.createTask({ parent, task }));
      expect(error).toMatchObject({ code: GRPC.INVALID_ARGUMENT, httpStatusCode: 400 });
      expect(`${error.message} ${hintOf(error)}`).toMatch(message);
    };
    await invalid(httpTask('/x', { name: `${parent}/tasks/bad.id` }), /TASK_ID/);
    await invalid(httpTask('/x', { name: `${queuePath('other')}/tasks/ok` }), /must be the same as the queue name in the named task/);
    const day = 86400;
    await invalid(httpTask('/x', { scheduleTime: { seconds: Math.floor(Date.now() / 1000) + 31 * day } }), /more than 30 days ahead/);
    await invalid(httpTask('/x', { dispatchDeadline: { seconds: 14 } }), /between 15s and 1800s/);
    await invalid(httpTask('/x', { dispatchDeadline: { seconds: 1801 } }), /between 15s and 1800s/);
    await invalid({ httpRequest: { ...httpTask('/x').httpRequest, body: Buffer.alloc(1024 * 1024 + 1) } }, /over the 1048576-byte limit/);
    await invalid({ httpRequest: { url: 'ftp://example.com/x' } }, /http or https/);
    // At the limits, accepted.
    await client.createTask({
      parent,
      task: httpTask('/x', { scheduleTime: { seconds: Math.floor(Date.now() / 1000) + 29 * day }, dispatchDeadline: { seconds: 15 } }),
    });
    await client.createTask({ parent, task: httpTask('/x', { dispatchDeadline: { seconds: 1800 } }) });
  });

  test('FAILED_PRECONDITION (400): running a task whose attempt is in flight', async () => {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('busy') } });
    const name = `${queuePath('busy')}/tasks/slow`;
    const before = target.received.length;
    await client.createTask({ parent: queuePath('busy'), task: httpTask('/slow', { name }) });
    await target.waitFor(before + 1);
    const error = await failure(client.runTask({ name }));
    expect(error).toMatchObject({ code: GRPC.FAILED_PRECONDITION, httpStatusCode: 400 });
    expect(error.message).toMatch(/being dispatched right now/);
  });

  test("a path the emulator does not implement answers UNIMPLEMENTED in Google's envelope", async () => {
    const response = await fetch(`${emulator.url}/v2/${queuePath('x')}:getIamPolicy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(501);
    expect(await response.json()).toEqual({
      error: { code: 501, message: expect.stringMatching(/not a Cloud Tasks v2 method/), status: 'UNIMPLEMENTED' },
    });
  });
});
