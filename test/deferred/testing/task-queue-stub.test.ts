import {
  createManifest,
  defer,
  deferrable,
  getTaskContext,
  PermanentTaskFailure,
  TaskAlreadyExistsError,
  UnknownQueueError,
  type TaskContext,
} from 'next-cloud-tasks';
import { TEST_OPTIONS, setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';

const sent: { to: string; subject: string }[] = [];
const contexts: TaskContext[] = [];
const sendMail = deferrable('mail.send', (to: string, subject: string) => {
  sent.push({ to, subject });
  contexts.push(getTaskContext());
});
const fails = deferrable('mail.fails', () => {
  throw new Error('smtp down');
});
const hopeless = deferrable('mail.hopeless', () => {
  throw new PermanentTaskFailure('no such mailbox');
});
const chain = deferrable('chain', async (n: number) => {
  sent.push({ to: String(n), subject: 'chain' });
  if (n < 3) await defer(chain, [n + 1], { queue: 'testing' });
});
const manifest = createManifest([sendMail, fails, hopeless, chain]);

const queue = setupTaskQueueStub({ manifest });
setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  sent.length = 0;
  contexts.length = 0;
});

const NAME = /^projects\/test-project\/locations\/us-central1\/queues\/testing\/tasks\/\d{19}$/;

test("App Engine's habit: the queue is empty, defer to `testing`, one task, run it", async () => {
  expect(queue.getFilteredTasks({ queueNames: 'testing' })).toEqual([]);

  const name = await defer(sendMail, ['ada@example.com', 'Welcome'], { queue: 'testing', headers: { 'X-Tenant': 'acme' } });

  const tasks = queue.getFilteredTasks({ queueNames: ['testing'] });
  expect(tasks).toHaveLength(1);
  const [task] = tasks;
  expect(task).toEqual(
    expect.objectContaining({
      name,
      queueName: 'testing',
      url: 'https://app.example.test/_ah/queue/deferred/mail.send',
      path: '/_ah/queue/deferred/mail.send',
      headers: { 'X-Tenant': 'acme', 'Content-Type': 'application/json' },
      functionId: 'mail.send',
      args: ['ada@example.com', 'Welcome'],
      retryCount: 0,
      executionCount: 0,
      dispatchDeadlineSeconds: 600,
      oidcToken: { serviceAccountEmail: TEST_OPTIONS.serviceAccount, audience: TEST_OPTIONS.audience },
    }),
  );
  expect(name).toMatch(NAME);
  expect(task.id).toBe(name.split('/').pop());
  expect(task.eta).toEqual(queue.clock.now());
  expect(JSON.parse(new TextDecoder().decode(task.payload)).json).toEqual(expect.objectContaining({ v: 1, fn: 'mail.send' }));

  const result = await queue.runTask(task);
  expect(result).toEqual(expect.objectContaining({ status: 200, outcome: 'success', disposition: 'kept' }));
  expect(sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome' }]);
  // runTask does not remove the task, as App Engine's stub did not.
  expect(queue.getFilteredTasks({ queueNames: 'testing' }).map((t) => t.name)).toEqual([name]);
});

test('runTask goes through the handler pipeline: the function sees its task context', async () => {
  await defer(sendMail, ['b@example.com', 'Hi'], { name: 'hello-1', queue: 'testing' });
  const [task] = queue.getFilteredTasks();
  await queue.runTask(task);
  await queue.runTask(task.name);
  expect(
    contexts.map((c) => [c.queueName, c.taskName, c.functionId, c.retryCount, c.executionCount, c.attempt, c.previousResponse]),
  ).toEqual([
    ['testing', 'hello-1', 'mail.send', 0, 0, 1, undefined],
    ['testing', 'hello-1', 'mail.send', 1, 1, 2, 200],
  ]);
  expect(contexts[0].eta).toEqual(task.eta);
});

test('runTask reports a failure as the handler would (500), and keeps the task', async () => {
  await defer(fails, [], { queue: 'testing' });
  const result = await queue.runTask(queue.getFilteredTasks()[0]);
  expect(result.status).toBe(500);
  expect(result.error).toEqual(new Error('smtp down'));
  expect(queue.getFilteredTasks()).toEqual([
    expect.objectContaining({ retryCount: 1, executionCount: 0, lastAttempt: expect.objectContaining({ status: 500, outcome: 'failed' }) }),
  ]);
});

test("runTask with { throwOnError: true } rejects with the function's own error, as deferred.run raised it", async () => {
  await defer(fails, [], { queue: 'testing', name: 'raises' });
  await expect(queue.runTask('raises', { throwOnError: true })).rejects.toThrow(new Error('smtp down'));
  // The delivery is recorded as without the option: a second run is a retry.
  expect(queue.getFilteredTasks()[0]).toEqual(
    expect.objectContaining({ retryCount: 1, lastAttempt: expect.objectContaining({ status: 500 }) }),
  );

  await defer(hopeless, [], { queue: 'testing', name: 'hopeless' });
  const permanent = await queue.runTask('hopeless', { throwOnError: true }).catch((error: unknown) => error);
  expect(permanent).toBeInstanceOf(PermanentTaskFailure);
  expect((permanent as Error).message).toBe('no such mailbox');

  await defer(sendMail, ['a', 'b'], { queue: 'testing', name: 'fine' });
  expect((await queue.runTask('fine', { throwOnError: true })).status).toBe(200);
});

test('runTask of a task that is gone says so', async () => {
  await defer(sendMail, ['c', 'd'], { queue: 'testing', name: 'gone' });
  const [task] = queue.getFilteredTasks();
  queue.deleteTask(task);
  await expect(queue.runTask(task)).rejects.toThrow(/task projects\/.*\/tasks\/gone is not in the stub .* getFilteredTasks\(\)/);
});

describe('getFilteredTasks: exact-match filters, one value or a list', () => {
  beforeEach(async () => {
    await defer(sendMail, ['1', 'a'], { name: 'one', queue: 'testing' });
    await defer(sendMail, ['2', 'b'], { name: 'two', url: '/_ah/queue/deferred_mail' });
    await defer(fails, [], { name: 'three', queue: 'testing', countdown: 5 });
  });
  const ids = (filter: Parameters<typeof queue.getFilteredTasks>[0]) => queue.getFilteredTasks(filter).map((t) => t.id);

  test('no filter: every task, earliest ETA first', () => expect(ids({})).toEqual(['one', 'two', 'three']));
  test('by queue', () => {
    expect(ids({ queueNames: 'default' })).toEqual(['two']);
    expect(ids({ queueNames: ['default', 'testing'] })).toEqual(['one', 'two', 'three']);
    expect(ids({ queueNames: 'test' })).toEqual([]);
  });
  test('by url: a path or the absolute URL', () => {
    expect(ids({ url: '/_ah/queue/deferred_mail' })).toEqual(['two']);
    expect(ids({ url: 'https://app.example.test/_ah/queue/deferred/mail.send' })).toEqual(['one']);
    expect(ids({ url: ['/_ah/queue/deferred/mail.fails', '/_ah/queue/deferred_mail'] })).toEqual(['two', 'three']);
    expect(ids({ url: '/_ah/queue/deferred' })).toEqual([]);
  });
  test('by name: the short id or the full name', () => {
    expect(ids({ name: 'two' })).toEqual(['two']);
    expect(ids({ name: 'projects/test-project/locations/us-central1/queues/testing/tasks/three' })).toEqual(['three']);
    expect(ids({ name: 'projects/test-project/locations/us-central1/queues/default/tasks/three' })).toEqual([]);
    expect(ids({ name: ['one', 'three'], queueNames: 'testing' })).toEqual(['one', 'three']);
  });
  test('snapshots: changing one changes nothing in the stub', () => {
    const [task] = queue.getFilteredTasks({ name: 'one' });
    task.args!.push('extra');
    task.headers['X-Evil'] = '1';
    expect(queue.getFilteredTasks({ name: 'one' })[0]).toEqual(
      expect.objectContaining({ args: ['1', 'a'], headers: { 'Content-Type': 'application/json' } }),
    );
  });
});

describe('drain, flushQueue, deleteTask, clear', () => {
  test('drain runs and removes what is due, not what is scheduled later', async () => {
    await defer(sendMail, ['now', 's'], { queue: 'testing' });
    await defer(sendMail, ['later', 's'], { queue: 'testing', countdown: 60 });
    const runs = await queue.drain();
    expect(runs.map((r) => [r.task.args?.[0], r.status, r.disposition])).toEqual([['now', 200, 'deleted']]);
    expect(sent.map((m) => m.to)).toEqual(['now']);
    expect(queue.getFilteredTasks().map((t) => t.args?.[0])).toEqual(['later']);
    queue.clock.advance(60);
    await queue.drain();
    expect(sent.map((m) => m.to)).toEqual(['now', 'later']);
    expect(queue.getFilteredTasks()).toEqual([]);
  });

  test('drain runs the tasks that running tasks defer, in ETA order', async () => {
    await defer(chain, [1], { queue: 'testing' });
    await queue.drain();
    expect(sent.map((m) => m.to)).toEqual(['1', '2', '3']);
  });

  test('drain can be limited to queues', async () => {
    await defer(sendMail, ['t', 's'], { queue: 'testing' });
    await defer(sendMail, ['d', 's'], { queue: 'default' });
    await queue.drain({ queueNames: 'default' });
    expect(sent.map((m) => m.to)).toEqual(['d']);
    expect(queue.getFilteredTasks().map((t) => t.queueName)).toEqual(['testing']);
  });

  test('flushQueue empties one queue and leaves the others', async () => {
    await defer(sendMail, ['a', 's'], { queue: 'testing' });
    await defer(sendMail, ['b', 's'], { queue: 'testing', countdown: 10 });
    await defer(sendMail, ['c', 's'], { queue: 'default' });
    expect(queue.flushQueue('testing')).toBe(2);
    expect(queue.getFilteredTasks().map((t) => t.args?.[0])).toEqual(['c']);
    expect(sent).toEqual([]);
    expect(() => queue.flushQueue('nope')).toThrow(UnknownQueueError);
  });

  test('deleteTask removes one task, by snapshot or name', async () => {
    await defer(sendMail, ['a', 's'], { queue: 'testing', name: 'a' });
    await defer(sendMail, ['b', 's'], { queue: 'testing', name: 'b' });
    queue.deleteTask(queue.getFilteredTasks({ name: 'a' })[0]);
    expect(queue.getFilteredTasks().map((t) => t.id)).toEqual(['b']);
    queue.deleteTask('projects/test-project/locations/us-central1/queues/testing/tasks/b');
    expect(queue.getFilteredTasks()).toEqual([]);
    expect(() => queue.deleteTask('b')).toThrow(/not in the stub/);
  });

  test('clear forgets tasks, taken names and dead letters', async () => {
    await defer(sendMail, ['a', 's'], { queue: 'testing', name: 'taken' });
    await defer(hopeless, [], { queue: 'testing' });
    queue.deleteTask('taken');
    await queue.drain();
    expect(queue.deadLetteredTasks()).toHaveLength(1);
    queue.clear();
    expect(queue.getFilteredTasks()).toEqual([]);
    expect(queue.deadLetteredTasks()).toEqual([]);
    await expect(defer(sendMail, ['a', 's'], { queue: 'testing', name: 'taken' })).resolves.toContain('/tasks/taken');
  });
});

describe('queue names and task names', () => {
  test('an unknown queue: the same UnknownQueueError as defer, from the stub too', async () => {
    await expect(defer(sendMail, ['a', 'b'], { queue: 'emails' })).rejects.toBeInstanceOf(UnknownQueueError);
    const direct = queue.createTask({
      project: 'p',
      location: 'l',
      queue: 'emails',
      url: 'https://app.example.test/x',
      headers: {},
      body: new Uint8Array(),
      oidcToken: { serviceAccountEmail: 'a@b', audience: 'x' },
    });
    await expect(direct).rejects.toBeInstanceOf(UnknownQueueError);
    await expect(direct).rejects.toThrow(
      /queue "emails" is not defined in .*queue\.yaml; known queues: default, demo-failures, testing, bench/,
    );
  });

  test('a duplicate name raises TaskAlreadyExistsError naming the task', async () => {
    await defer(sendMail, ['a', 'b'], { name: 'once-only', queue: 'testing' });
    const again = defer(sendMail, ['a', 'b'], { name: 'once-only', queue: 'testing' });
    await expect(again).rejects.toBeInstanceOf(TaskAlreadyExistsError);
    await expect(again).rejects.toMatchObject({ taskName: 'projects/test-project/locations/us-central1/queues/testing/tasks/once-only' });
    // The same id in another queue is another task.
    await expect(defer(sendMail, ['a', 'b'], { name: 'once-only' })).resolves.toContain('/queues/default/tasks/once-only');
  });

  test('a name stays taken after its task ran (tombstone), for an hour of the virtual clock', async () => {
    await defer(sendMail, ['a', 'b'], { name: 'nightly', queue: 'testing' });
    await queue.drain();
    expect(queue.getFilteredTasks()).toEqual([]);
    await expect(defer(sendMail, ['a', 'b'], { name: 'nightly', queue: 'testing' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
    queue.clock.advance(3599);
    await expect(defer(sendMail, ['a', 'b'], { name: 'nightly', queue: 'testing' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
    queue.clock.advance(1);
    await expect(defer(sendMail, ['a', 'b'], { name: 'nightly', queue: 'testing' })).resolves.toContain('/tasks/nightly');
  });

  test('deleted and flushed names are tombstoned too', async () => {
    await defer(sendMail, ['a', 'b'], { name: 'del', queue: 'testing' });
    await defer(sendMail, ['a', 'b'], { name: 'flushed', queue: 'testing' });
    queue.deleteTask('del');
    queue.flushQueue('testing');
    await expect(defer(sendMail, ['a', 'b'], { name: 'del', queue: 'testing' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
    await expect(defer(sendMail, ['a', 'b'], { name: 'flushed', queue: 'testing' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
  });

  test('unnamed tasks get distinct generated ids', async () => {
    const names = await Promise.all([1, 2, 3].map((n) => defer(sendMail, [String(n), 's'], { queue: 'testing' })));
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(NAME);
  });
});

test('each test starts empty: the previous tests left nothing behind', () => {
  expect(queue.getFilteredTasks()).toEqual([]);
  expect(queue.deadLetteredTasks()).toEqual([]);
});
