/**
 * deferMany with the jest stub (its transport has batches, as Cloud Tasks does): the tasks are
 * listed and run like any other; every call is checked before anything is sent (one bad call
 * refuses them all, with its index); batches of at most 100 tasks and 8 MiB of one queue, at
 * most `parallelism` at once; a failing item fails alone and the call rejects with every
 * outcome; where batches are not served, tasks go one by one with the same result.
 */
import {
  createManifest,
  DeferManyError,
  deferMany,
  deferrable,
  InvalidCallError,
  InvalidTaskOptionsError,
  PayloadTooLargeError,
  TaskAlreadyExistsError,
  UnknownQueueError,
  type TaskEventMap,
  type TaskTransport,
} from 'next-cloud-tasks';
import { applyTestOptions, setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';
import { CloudTasksError } from '@/lib/src/contract/errors';

const notified: string[] = [];
const notify = deferrable('followers.notify', (userId: string, team: string) => {
  notified.push(`${userId}@${team}`);
});
const ping = deferrable('ping', () => {});
const blob = deferrable('blob', (text: string) => text.length);
const manifest = createManifest([notify, ping, blob]);
const QUEUES = 'queue:\n- name: default\n  rate: 5/s\n  dead_letter_queue: true\n- name: push\n  rate: 50/s\n';

const stub = setupTaskQueueStub({ manifest, queues: { yaml: QUEUES } });
const enqueued: TaskEventMap['task:enqueued'][] = [];
setupTestOptions({ logWriter: () => {}, onEvent: (event, payload) => event === 'task:enqueued' && enqueued.push(payload as never) });
beforeEach(() => {
  notified.length = 0;
  enqueued.length = 0;
});

/** The stub's transport, with each batch call it gets recorded (and how many were in flight at once). */
function recordBatches(over: Partial<TaskTransport> = {}) {
  const calls: { size: number; queue: string; requestId: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const transport: TaskTransport = {
    ...stub.transport,
    createTasks: async (requests, call) => {
      calls.push({ size: requests.length, queue: requests[0].queue, requestId: call.requestId });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        return await stub.transport.createTasks!(requests, call);
      } finally {
        inFlight--;
      }
    },
    ...over,
  };
  const restore = applyTestOptions({ transport });
  return { calls, maxInFlight: () => maxInFlight, restore };
}

test('the tasks are listed and run like any other; task:enqueued for each; names in call order', async () => {
  const followers = ['ada', 'grace', 'alan'];
  const result = await deferMany(
    notify,
    followers.map((id) => [id, 'compilers']),
  );
  expect(result).toMatchObject({ created: 3, failed: 0 });
  const names = result.items.map((item) => (item.ok ? item.taskName : ''));
  expect(stub.getFilteredTasks().map((task) => task.name)).toEqual(names);
  expect(stub.getFilteredTasks().map((task) => task.args)).toEqual(followers.map((id) => [id, 'compilers']));
  expect(enqueued.map((event) => event.taskName)).toEqual(names);
  expect(enqueued[0]).toMatchObject({ functionId: 'followers.notify', queue: 'default' });

  const runs = await stub.drain();
  expect(runs.map((run) => run.status)).toEqual([200, 200, 200]);
  expect(notified.sort()).toEqual(['ada@compilers', 'alan@compilers', 'grace@compilers']);
});

test("an item's own options over the shared ones (headers merged); an iterable is read once", async () => {
  function* calls() {
    yield ['ada', 't'] as [string, string];
    yield { args: ['grace', 't'] as [string, string], options: { name: 'grace-1', countdown: 60, headers: { 'X-Who': 'grace' } } };
  }
  const before = stub.clock.now().getTime();
  await deferMany(notify, calls(), { queue: 'push', headers: { 'X-Team': 't' } });
  const [ada, grace] = stub.getFilteredTasks();
  expect(ada).toMatchObject({ queueName: 'push', headers: { 'X-Team': 't', 'Content-Type': 'application/json' } });
  expect(ada.eta.getTime()).toBe(before);
  expect(grace).toMatchObject({
    id: 'grace-1',
    queueName: 'push',
    headers: { 'X-Team': 't', 'X-Who': 'grace', 'Content-Type': 'application/json' },
  });
  expect(grace.eta.getTime()).toBe(before + 60_000);
});

test('no calls: nothing is sent, an empty result', async () => {
  const { calls, restore } = recordBatches();
  try {
    expect(await deferMany(notify, [])).toEqual({ items: [], created: 0, failed: 0 });
    expect(calls).toEqual([]);
  } finally {
    restore();
  }
});

describe('one bad call refuses them all, with its index, before anything is sent', () => {
  const refusals: [string, unknown[], (cause: unknown) => void, RegExp][] = [
    [
      'an option defer() refuses',
      [{ args: ['x', 't'], options: { countdown: -1 } }],
      (cause) => expect(cause).toBeInstanceOf(InvalidTaskOptionsError),
      /call 3 .*countdown must be a number of seconds >= 0/,
    ],
    [
      'a queue not in queue.yaml',
      [{ args: ['x', 't'], options: { queue: 'nope' } }],
      (cause) => expect(cause).toBeInstanceOf(UnknownQueueError),
      /call 3 .*queue "nope" is not defined/,
    ],
    [
      'a header HTTP cannot carry',
      [{ args: ['x', 't'], options: { headers: { 'X-Bad': 'a\nb' } } }],
      (cause) => expect(cause).toBeInstanceOf(InvalidTaskOptionsError),
      /call 3 .*X-Bad/,
    ],
    [
      'a task over 1 MiB (no payload bucket)',
      [['x'.repeat(1024 * 1024), 't']],
      (cause) => expect(cause).toBeInstanceOf(PayloadTooLargeError),
      /call 3 .*over the 1048576-byte limit/,
    ],
    [
      'an item that is not a call',
      [42],
      (cause) => expect(cause).toBeInstanceOf(TypeError),
      /call 3 .*argument list, or \{ args, options \}; got number/,
    ],
    [
      'an argument that cannot travel (a class instance deep in it), named by its path',
      [['x', { team: { owner: new (class Account {})() } }]],
      (cause) => expect(cause).toMatchObject({ name: 'EnvelopeEncodeError', path: 'args[1].team.owner' }),
      /call 3 .*args\[1\]\.team\.owner cannot travel in a task: it is an instance of class Account/,
    ],
    [
      'a dead-letter queue',
      [{ args: ['x', 't'], options: { queue: 'default-dead-letter' } }],
      (cause) => expect(cause).toBeInstanceOf(InvalidTaskOptionsError),
      /call 3 .*queue "default-dead-letter" is a dead-letter queue \(of default/,
    ],
    [
      'bad retry settings',
      [{ args: ['x', 't'], options: { retry: { maxAttempts: 0 } } }],
      (cause) => expect(cause).toBeInstanceOf(InvalidTaskOptionsError),
      /call 3 .*retry\.maxAttempts must be a whole number >= 1/,
    ],
  ];

  test.each(refusals)('%s', async (_label, bad, checkCause, message) => {
    const { calls, restore } = recordBatches();
    try {
      const list = [['a', 't'], ['b', 't'], ['c', 't'], ...bad, ['d', 't']] as never;
      const error = await deferMany(notify, list).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidCallError);
      expect(error).toMatchObject({ index: 3, message: expect.stringMatching(message) });
      expect((error as Error).message).toContain('so it sent nothing');
      checkCause((error as InvalidCallError).cause);
      expect(calls).toEqual([]);
      expect(stub.getFilteredTasks()).toEqual([]);
    } finally {
      restore();
    }
  });

  test('a shared name, and a parallelism out of range, are refused', async () => {
    await expect(deferMany(notify, [['a', 't']], { name: 'same' } as never)).rejects.toThrow(
      /a shared name would give every task the same name/,
    );
    await expect(deferMany(notify, [['a', 't']], { parallelism: 0 })).rejects.toThrow(/parallelism must be a whole number from 1 to 100/);
    await expect(deferMany(notify, 'nope' as never)).rejects.toThrow(/takes a list \(or an iterable\) of calls/);
    expect(stub.getFilteredTasks()).toEqual([]);
  });
});

test('batches: 100 tasks of one queue at most, each queue its own, `parallelism` at once', async () => {
  const { calls, maxInFlight, restore } = recordBatches();
  try {
    const list = Array.from({ length: 530 }, (_, i) => ({
      args: [`u${i}`, 't'] as [string, string],
      options: { queue: i % 5 === 0 ? 'push' : 'default' },
    }));
    const result = await deferMany(notify, list, { parallelism: 2 });
    expect(result.created).toBe(530);
    const sizes = (queue: string) => calls.filter((call) => call.queue === queue).map((call) => call.size);
    expect(sizes('default')).toEqual([100, 100, 100, 100, 24]);
    expect(sizes('push')).toEqual([100, 6]);
    expect(maxInFlight()).toBe(2);
    expect(new Set(calls.map((call) => call.requestId)).size).toBe(calls.length);
    expect(stub.getFilteredTasks({ queueNames: 'push' })).toHaveLength(106);
    expect(stub.getFilteredTasks({ queueNames: 'default' })).toHaveLength(424);
  } finally {
    restore();
  }
});

test('batches: a batch closes at 8 MiB of tasks', async () => {
  const { calls, restore } = recordBatches();
  try {
    // About 700 KB each: 11 fit in 8 MiB.
    await deferMany(
      blob,
      Array.from({ length: 30 }, () => ['x'.repeat(700_000)] as [string]),
      { parallelism: 1 },
    );
    expect(calls.map((call) => call.size)).toEqual([11, 11, 8]);
  } finally {
    restore();
  }
});

test('a duplicate name fails that call alone: the others are created, and the error has every outcome', async () => {
  await deferMany(notify, [{ args: ['ada', 't'], options: { name: 'ada' } }]);
  const error = await deferMany(notify, [['grace', 't'], { args: ['ada', 't'], options: { name: 'ada' } }, ['alan', 't']]).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeferManyError);
  const { result } = error as DeferManyError;
  expect(result).toMatchObject({ created: 2, failed: 1 });
  expect(result.items[0]).toMatchObject({ ok: true });
  expect(result.items[1]).toMatchObject({ ok: false, error: expect.any(TaskAlreadyExistsError) });
  expect((error as Error).message).toMatch(/1 of 3 calls made no task \(the other 2 did.*call 1: TaskAlreadyExistsError/);
  expect(
    stub
      .getFilteredTasks()
      .map((task) => task.args![0])
      .sort(),
  ).toEqual(['ada', 'alan', 'grace']);
});

test('where batches are not served (UNIMPLEMENTED), tasks go one by one with the same result; later batches skip the batch call', async () => {
  let batchCalls = 0;
  const { restore } = recordBatches({
    createTasks: async () => {
      batchCalls++;
      throw new CloudTasksError(12, 'Cloud Tasks could not run BatchCreateTasks (UNIMPLEMENTED)');
    },
  });
  try {
    const result = await deferMany(
      notify,
      Array.from({ length: 250 }, (_, i) => [`u${i}`, 't'] as [string, string]),
      { parallelism: 1 },
    );
    expect(result).toMatchObject({ created: 250, failed: 0 });
    expect(batchCalls).toBe(1);
    expect(stub.getFilteredTasks()).toHaveLength(250);
  } finally {
    restore();
  }
});

test('a transport without batches (the transport option of an older app): createTask per call', async () => {
  const created: string[] = [];
  const restore = applyTestOptions({
    transport: { createTask: async (request) => (created.push(request.queue), stub.transport.createTask(request)) },
  });
  try {
    const result = await deferMany(notify, [
      ['a', 't'],
      ['b', 't'],
    ]);
    expect(result.created).toBe(2);
    expect(created).toEqual(['default', 'default']);
  } finally {
    restore();
  }
});

test('a batch call that fails as a whole fails its calls, and only those', async () => {
  let call = 0;
  const { restore } = recordBatches({
    createTasks: async (requests, batch) => {
      if (call++ === 1) throw new CloudTasksError(7, 'PERMISSION_DENIED on this one');
      return stub.transport.createTasks!(requests, batch);
    },
  });
  try {
    const error = (await deferMany(
      notify,
      Array.from({ length: 300 }, (_, i) => [`u${i}`, 't'] as [string, string]),
      { parallelism: 1 },
    ).catch((e: unknown) => e)) as DeferManyError;
    expect(error).toBeInstanceOf(DeferManyError);
    expect(error.result).toMatchObject({ created: 200, failed: 100 });
    expect(error.result.items.slice(100, 200).every((item) => !item.ok && item.error.message.includes('PERMISSION_DENIED'))).toBe(true);
    expect(stub.getFilteredTasks()).toHaveLength(200);
  } finally {
    restore();
  }
});
