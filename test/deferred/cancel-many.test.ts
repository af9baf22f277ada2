/**
 * cancelMany with the jest stub: each name deleted, or already gone (ran, or deleted before);
 * names that are not tasks' full names refuse the call before anything is deleted; a transport
 * without batches deletes one by one with the same result.
 */
import { cancelMany, createManifest, deferMany, deferrable, InvalidTaskOptionsError } from 'next-cloud-tasks';
import { applyTestOptions, setupTaskQueueStub } from 'next-cloud-tasks/testing';

const remind = deferrable('reminders.send', (userId: string) => userId);
const stub = setupTaskQueueStub({
  manifest: createManifest([remind]),
  queues: { yaml: 'queue:\n- name: default\n  rate: 5/s\n- name: other\n  rate: 5/s\n' },
});

async function fourTasks(): Promise<string[]> {
  const { items } = await deferMany(remind, [
    { args: ['a'], options: { countdown: 60 } },
    { args: ['b'], options: { countdown: 60 } },
    { args: ['c'], options: { countdown: 60, queue: 'other' } },
    ['d'],
  ]);
  return items.map((item) => (item.ok ? item.taskName : ''));
}

test('deleted, or gone: per name, in order; the cancelled tasks never run', async () => {
  const [a, b, c, d] = await fourTasks();
  await stub.drain(); // d was due: it runs, and is gone
  const result = await cancelMany([a, c, d, a]);
  expect(result).toEqual({
    items: [
      { name: a, outcome: 'deleted' },
      { name: c, outcome: 'deleted' },
      { name: d, outcome: 'gone' },
      { name: a, outcome: 'gone' },
    ],
    deleted: 2,
    gone: 2,
    failed: 0,
  });
  expect(stub.getFilteredTasks().map((task) => task.name)).toEqual([b]);
});

test("a name that is not a task's full name refuses the call: nothing is deleted", async () => {
  const [a] = await fourTasks();
  const error = await cancelMany([a, 'reminder-42']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidTaskOptionsError);
  expect((error as Error).message).toMatch(/name 1 is "reminder-42", so nothing was deleted/);
  expect(stub.getFilteredTasks()).toHaveLength(4);
});

test('a transport with only deleteTask (an older custom one): one by one, the same outcomes', async () => {
  const [a, b] = await fourTasks();
  const deleted: string[] = [];
  const restore = applyTestOptions({
    transport: {
      createTask: (request) => stub.transport.createTask(request),
      deleteTask: async (name) => (deleted.push(name), stub.transport.deleteTask!(name)),
    },
  });
  try {
    expect(await cancelMany([a, b, a])).toMatchObject({ deleted: 2, gone: 1 });
    expect(deleted).toEqual([a, b, a]);
  } finally {
    restore();
  }
});

test('no names: nothing to do', async () => {
  expect(await cancelMany([])).toEqual({ items: [], deleted: 0, gone: 0, failed: 0 });
});
