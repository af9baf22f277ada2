/**
 * A task's own retry settings (`defer(fn, args, { retry })`) in the jest stub: checked like
 * queue.yaml's retry_parameters (each message names the field), completed with the queue's, and
 * driving the stub's retry schedule and dead-lettering as they drive Cloud Tasks'.
 */
import { join } from 'node:path';
import { createManifest, defer, deferMany, deferrable, InvalidTaskOptionsError } from 'next-cloud-tasks';
import { setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';
import { decodeEnvelope } from '@/lib/src/contract/envelope';

const fails = deferrable('fails', () => {
  throw new Error('boom');
});
const ok = deferrable('ok', () => {});
const stub = setupTaskQueueStub({
  manifest: createManifest([fails, ok]),
  queues: { path: join(__dirname, 'testing/fixtures/retry-queues.yaml') },
});
setupTestOptions({ logWriter: () => {} });

/** Drains what is due, moving the clock to each retry: the virtual times of the attempts, in seconds from the first. */
async function attemptTimes(): Promise<number[]> {
  const times: number[] = [];
  const start = stub.clock.now().getTime();
  for (;;) {
    const runs = await stub.drain();
    times.push(...runs.map((run) => (run.task.lastAttempt!.at.getTime() - start) / 1000));
    const [next] = stub.getFilteredTasks();
    if (!next) return times;
    stub.clock.advance((next.eta.getTime() - stub.clock.now().getTime()) / 1000);
  }
}

test("the task's own limits and backoff, not its queue's: 3 attempts 5 s and 10 s apart, then dead-lettered", async () => {
  // The queue "backoff": 8 attempts, 10 s doubling to 300 s.
  await defer(fails, [], { queue: 'backoff', retry: { maxAttempts: 3, minBackoff: 5, maxDoublings: 1 } });
  const [task] = stub.getFilteredTasks();
  expect(task.retryConfig).toEqual({
    maxAttempts: 3,
    maxRetryDurationSeconds: 0,
    minBackoffSeconds: 5,
    maxBackoffSeconds: 300,
    maxDoublings: 1,
  });
  // The handler reads the same settings from the task's envelope.
  expect(decodeEnvelope(task.payload).retry).toEqual(task.retryConfig);
  expect(await attemptTimes()).toEqual([0, 5, 15]);
  expect(stub.deadLetteredTasks()).toEqual([expect.objectContaining({ reason: 'final-attempt', attempt: 3 })]);
});

test("a task without its own settings keeps its queue's; one with maxAttempts -1 and an age limit retries until the age", async () => {
  await defer(fails, [], { queue: 'once' });
  expect(await attemptTimes()).toEqual([0]);
  expect(stub.deadLetteredTasks().map((dead) => dead.attempt)).toEqual([1]);
  stub.clear();
  await defer(fails, [], { queue: 'once', retry: { maxAttempts: -1, maxRetryDuration: 100, minBackoff: 30, maxBackoff: 30 } });
  expect(await attemptTimes()).toEqual([0, 30, 60, 90, 120]);
  expect(stub.deadLetteredTasks().map((dead) => dead.attempt)).toEqual([5]);
});

test("deferMany: shared retry settings, and one call's own over them, field by field", async () => {
  await deferMany(fails, [[], { args: [], options: { retry: { maxAttempts: 2 } } }], {
    queue: 'backoff',
    retry: { maxAttempts: 4, minBackoff: 1, maxBackoff: 1 },
  });
  expect(stub.getFilteredTasks().map((task) => task.retryConfig)).toEqual([
    expect.objectContaining({ maxAttempts: 4, minBackoffSeconds: 1, maxBackoffSeconds: 1 }),
    expect.objectContaining({ maxAttempts: 2, minBackoffSeconds: 1, maxBackoffSeconds: 1 }),
  ]);
  await attemptTimes();
  expect(
    stub
      .deadLetteredTasks()
      .map((dead) => dead.attempt)
      .sort(),
  ).toEqual([2, 4]);
});

test("App Engine's rule for a lone backoff: a min above the queue's max raises it, a max below the queue's min lowers it", async () => {
  await defer(ok, [], { queue: 'backoff', retry: { minBackoff: 600 } });
  await defer(ok, [], { queue: 'backoff', retry: { maxBackoff: 2 } });
  expect(stub.getFilteredTasks().map((task) => [task.retryConfig!.minBackoffSeconds, task.retryConfig!.maxBackoffSeconds])).toEqual([
    [600, 600],
    [2, 2],
  ]);
});

test('an empty retry object sets nothing: the task follows its queue', async () => {
  await defer(ok, [], { retry: {} });
  expect(stub.getFilteredTasks()[0].retryConfig).toBeUndefined();
});

test.each([
  [
    { maxAttempts: 0 },
    'retry.maxAttempts',
    /retry\.maxAttempts must be a whole number >= 1 .*task_retry_limit \+ 1.*, or -1 for no limit; got 0/,
  ],
  [{ maxAttempts: 2.5 }, 'retry.maxAttempts', /retry\.maxAttempts must be a whole number/],
  [{ maxAttempts: -2 }, 'retry.maxAttempts', /retry\.maxAttempts .*got -2/],
  [{ minBackoff: -1 }, 'retry.minBackoff', /retry\.minBackoff must be a number of seconds >= 0 \(min_backoff_seconds\); got -1/],
  [{ maxBackoff: '10s' }, 'retry.maxBackoff', /retry\.maxBackoff must be a number of seconds >= 0 \(max_backoff_seconds\); got "10s"/],
  [{ maxDoublings: -1 }, 'retry.maxDoublings', /retry\.maxDoublings must be a whole number >= 0 \(max_doublings\); got -1/],
  [
    { maxRetryDuration: Infinity },
    'retry.maxRetryDuration',
    /retry\.maxRetryDuration must be a number of seconds >= 0 \(task_age_limit; 0: no time limit\); got Infinity/,
  ],
  [{ minBackoff: 10, maxBackoff: 5 }, 'retry.minBackoff', /retry\.minBackoff \(10 s\) must not be greater than retry\.maxBackoff \(5 s\)/],
  [
    { retries: 3 },
    'retry',
    /retry has no setting "retries"; the settings are maxAttempts, maxRetryDuration, minBackoff, maxBackoff, maxDoublings/,
  ],
  [3, 'retry', /retry must be an object of maxAttempts, .*; got 3/],
])('refused before any call: %j', async (retry, option, message) => {
  const error = await defer(ok, [], { retry: retry as never }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidTaskOptionsError);
  expect(error).toMatchObject({ option, message: expect.stringMatching(message) });
  expect(stub.getFilteredTasks()).toEqual([]);
});
