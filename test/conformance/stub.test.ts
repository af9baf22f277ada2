/**
 * The jest stub against the same recordings as the emulator (recordings.json): the header and
 * count sequences of the recorded dispatches, replayed through the stub's own bookkeeping; the
 * same rules seen by a deferred function run by the stub; and the stub's REST handlers storing
 * and answering as Cloud Tasks does.
 */
import { PassThroughClient } from 'google-auth-library';
import { setupServer } from 'msw/node';
import { createManifest, defer, deferrable, getTaskContext, SingularTaskFailure, type TaskContext } from 'next-cloud-tasks';
import { setupTaskQueueStub, TEST_OPTIONS, setupTestOptions } from 'next-cloud-tasks/testing';
import { cloudTasksRestHandlers } from 'next-cloud-tasks/testing/msw';
import { writeTaskHeaders } from '@/lib/src/contract/task-headers';
import { recordAttempt } from '@/lib/src/testing/run-attempt';
import { taskHeadersOf, type StubTaskRecord } from '@/lib/src/testing/stub-task';
import recordings from './recordings.json';

const contexts: TaskContext[] = [];
const script: string[] = [];
/** Answers per attempt: 'error' (throws: 500), 'quiet' (SingularTaskFailure: 408), else 200. */
const scripted = deferrable('conformance.scripted', () => {
  contexts.push(getTaskContext());
  const step = script.shift();
  if (step === 'error') throw new Error('transient');
  if (step === 'quiet') throw new SingularTaskFailure('not yet');
});
const manifest = createManifest([scripted]);
const queue = setupTaskQueueStub({ manifest });
const server = setupServer(...cloudTasksRestHandlers(queue));

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  contexts.length = 0;
});

function newRecord(): StubTaskRecord {
  return {
    seq: 1,
    name: 'projects/p/locations/l/queues/q/tasks/t',
    id: 't',
    queueName: 'q',
    url: 'https://app.example.test/x',
    headers: {},
    body: new Uint8Array(),
    oidcToken: undefined,
    dispatchDeadlineSeconds: 600,
    createdAtMs: 0,
    etaMs: 0,
    retryCount: 0,
    executionCount: 0,
  };
}

describe.each(recordings.dispatch)('stub: $case', (recording) => {
  test("the stub's bookkeeping gives the recorded headers, attempt by attempt", () => {
    const record = newRecord();
    const seen: Record<string, (string | null)[]> = { retry: [], execution: [], previous: [], reason: [], agent: [] };
    recording.answers.forEach((status, attempt) => {
      const headers = writeTaskHeaders(taskHeadersOf(record, new Date(0)));
      seen.retry.push(headers['X-CloudTasks-TaskRetryCount'] ?? null);
      seen.execution.push(headers['X-CloudTasks-TaskExecutionCount'] ?? null);
      seen.previous.push(headers['X-CloudTasks-TaskPreviousResponse'] ?? null);
      seen.reason.push(headers['X-CloudTasks-TaskRetryReason'] ?? null);
      seen.agent.push(headers['User-Agent'] ?? null);
      recordAttempt(record, { at: new Date(attempt), status, outcome: 'failed', deadLettered: false });
    });
    expect(seen.retry).toEqual(recording.retryCount);
    expect(seen.execution).toEqual(recording.executionCount);
    expect(seen.previous).toEqual(recording.previousResponse);
    expect(seen.reason).toEqual(recording.retryReason);
    expect(new Set(seen.agent)).toEqual(new Set([recording.userAgent]));
  });
});

test("stub: a deferred function sees Cloud Tasks' rules (empty retry reason, 5xx not executions)", async () => {
  script.push('error', 'quiet', 'error', 'ok');
  await defer(scripted, [], { queue: 'default' });
  for (let i = 0; i < 4; i++) {
    await queue.drain();
    queue.clock.advance(3600);
  }
  expect(contexts.map((c) => [c.retryCount, c.executionCount, c.previousResponse ?? null, c.retryReason ?? null])).toEqual([
    [0, 0, null, null],
    [1, 0, 500, ''],
    [2, 1, 408, ''],
    [3, 1, 500, ''],
  ]);
});

describe('stub REST handlers (cloudTasksRestHandlers)', () => {
  const fetchImplementation = (url: any, init: any) => globalThis.fetch(url, init);
  const client = async () => {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    return new CloudTasksClient({
      fallback: true,
      authClient: new PassThroughClient({ transporterOptions: { fetchImplementation } } as never),
    } as never);
  };
  const parent = `projects/${TEST_OPTIONS.project}/locations/${TEST_OPTIONS.location}/queues/default`;

  test.each(recordings.storedHeaders)('$case: create and get return the stored headers', async (recording) => {
    const tasks = await client();
    const [created] = await tasks.createTask({
      parent,
      task: {
        httpRequest: { url: 'https://app.example.test/x', httpMethod: 'POST' as never, headers: recording.sent as Record<string, string> },
      },
    });
    const [got] = await tasks.getTask({ name: created.name! });
    expect(created.httpRequest?.headers).toEqual(recording.stored);
    expect(got.httpRequest?.headers).toEqual(recording.stored);
  });

  const messageOf = (name: string) => recordings.errors.find((recording) => recording.case === name)!.message;

  test("realcloud.json#task/get/not-found and #task/create/queue-not-found: Google's messages", async () => {
    const tasks = await client();
    await expect(tasks.getTask({ name: `${parent}/tasks/nope` })).rejects.toMatchObject({
      code: 5,
      message: messageOf('realcloud.json#task/get/not-found'),
    });
    const missingQueue = tasks.createTask({
      parent: 'projects/p/locations/l/queues/nope',
      task: { httpRequest: { url: 'https://app.example.test/x', httpMethod: 'POST' as never } },
    });
    await expect(missingQueue).rejects.toMatchObject({ code: 5, message: messageOf('realcloud.json#task/create/queue-not-found') });
  });

  test('realcloud.json#task/get/recently-deleted: a task that ran is "no longer exists", not "not found"', async () => {
    const tasks = await client();
    const [created] = await tasks.createTask({
      parent,
      task: { name: `${parent}/tasks/ran-once`, httpRequest: { url: 'https://app.example.test/x', httpMethod: 'POST' as never } },
    });
    await tasks.deleteTask({ name: created.name! });
    await expect(tasks.getTask({ name: created.name! })).rejects.toMatchObject({
      code: 5,
      message: messageOf('realcloud.json#task/get/recently-deleted'),
    });
  });

  test('realcloud.json#task/create/already-exists', async () => {
    const tasks = await client();
    const task = { name: `${parent}/tasks/once`, httpRequest: { url: 'https://app.example.test/x', httpMethod: 'POST' as never } };
    await tasks.createTask({ parent, task });
    await expect(tasks.createTask({ parent, task })).rejects.toMatchObject({
      code: 6,
      message: messageOf('realcloud.json#task/create/already-exists'),
    });
  });
});
