/**
 * docs/testing.md's fan-out examples, as written there, with the demo's functions: deferMany's
 * tasks listed and run by the stub, a taken name failing its call alone, a task's own retry
 * settings driving the stub's schedule and dead-lettering, cancelMany per name.
 */
import { cancelMany, defer, DeferManyError, deferMany, TaskAlreadyExistsError } from 'next-cloud-tasks';
import { setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';
import { manifest } from '@/app/_tasks/manifest';
import { alwaysFails } from '@/app/_tasks/demo';
import { notifyFollower } from '@/app/_tasks/followers';
import { demoStore } from '@/app/_tasks/demo-store';

const queue = setupTaskQueueStub({ manifest });
setupTestOptions({ logWriter: () => {} });
beforeEach(() => void (demoStore().notifications.length = 0));

test('one announcement notifies every follower, each in a task of their own', async () => {
  const result = await deferMany(
    notifyFollower,
    ['ada', 'grace'].map((id) => [id, 'compilers', 'v2 is out']),
  );
  expect(result).toMatchObject({ created: 2, failed: 0 });
  expect(queue.getFilteredTasks().map((task) => task.args?.[0])).toEqual(['ada', 'grace']);
  expect((await queue.drain()).map((run) => run.status)).toEqual([200, 200]);
  expect(
    demoStore()
      .notifications.map((n) => n.follower)
      .sort(),
  ).toEqual(['ada', 'grace']);
});

test('a taken name fails its call alone; the error says which', async () => {
  await defer(notifyFollower, ['ada', 'compilers', 'hi'], { name: 'ada-hi' });
  const error = await deferMany(notifyFollower, [
    { args: ['ada', 'compilers', 'hi'], options: { name: 'ada-hi' } },
    ['grace', 'compilers', 'hi'],
  ]).catch((e) => e);
  expect(error).toBeInstanceOf(DeferManyError);
  expect(error.result.items[0]).toMatchObject({ ok: false, error: expect.any(TaskAlreadyExistsError) });
  expect(error.result.items[1]).toMatchObject({ ok: true });
});

test('its own retry settings: 3 attempts, 5 s then 10 s apart, then dead-lettered', async () => {
  await defer(alwaysFails, ['x'], { retry: { maxAttempts: 3, minBackoff: 5, maxBackoff: 10 } });
  expect(queue.getFilteredTasks()[0].retryConfig).toMatchObject({ maxAttempts: 3, minBackoffSeconds: 5, maxBackoffSeconds: 10 });
  expect((await queue.drain()).map((run) => run.disposition)).toEqual(['retry-scheduled']);
  queue.clock.advance(4.9);
  expect(await queue.drain()).toEqual([]);
  queue.clock.advance(0.1);
  expect((await queue.drain()).map((run) => run.disposition)).toEqual(['retry-scheduled']);
  queue.clock.advance(10);
  const [last] = await queue.drain();
  expect(last.disposition).toBe('deleted');
  // The third attempt, where its queue (task_retry_limit 4: five attempts) would retry.
  expect(queue.deadLetteredTasks()).toMatchObject([{ attempt: 3 }]);
});

test('cancelMany: per name', async () => {
  const { items } = await deferMany(notifyFollower, [
    ['ada', 'c', 'hi'],
    ['grace', 'c', 'hi'],
  ]);
  const [first, second] = items.map((item) => (item.ok ? item.taskName : ''));
  await queue.drain({ name: second });
  expect((await cancelMany([first, second])).items.map((item) => item.outcome)).toEqual(['deleted', 'gone']);
  expect(queue.getFilteredTasks()).toEqual([]);
});
