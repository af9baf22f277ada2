/**
 * The batches' retries under defer()'s policy (lib/src/enqueue/batch-retry.ts), against a
 * scripted transport: a whole call that failed goes again with the same request id; items that
 * failed alone go again alone, under a new one; an item that finds its name taken after such a
 * failure was created by the earlier try; anything else is reported as it is, never as created.
 */
import {
  CloudTasksError,
  TaskAlreadyExistsError,
  type CreateTaskOutcome,
  type CreateTaskRequest,
  type DeleteTaskOutcome,
} from 'next-cloud-tasks';
import { withBatchRetries } from '@/lib/src/enqueue/batch-retry';
import { setupTestOptions } from 'next-cloud-tasks/testing';

setupTestOptions({ logWriter: () => {} });

const request = (taskId?: string): CreateTaskRequest => ({
  project: 'p',
  location: 'l',
  queue: 'q',
  ...(taskId ? { taskId } : {}),
  url: 'https://app.example.test/_ah/queue/deferred/x',
  headers: {},
  body: new Uint8Array(),
  oidcToken: { serviceAccountEmail: 'a@p.iam.gserviceaccount.com', audience: 'https://app.example.test' },
});
const unavailable = () => new CloudTasksError(14, 'The service is currently unavailable.');
const nameOf = (r: CreateTaskRequest) => `projects/p/locations/l/queues/q/tasks/${r.taskId}`;
const noWait = { sleep: async () => {} };

/** A transport whose batch answers are scripted per call; it records what each call was sent. */
function scripted(answers: ((requests: readonly CreateTaskRequest[]) => CreateTaskOutcome[] | Error)[]) {
  const sent: { ids: string[]; requestId: string }[] = [];
  const transport = {
    createTask: async () => ({ name: 'unused' }),
    createTasks: async (requests: readonly CreateTaskRequest[], call: { requestId: string }) => {
      sent.push({ ids: requests.map((r) => r.taskId!), requestId: call.requestId });
      const answer = answers[sent.length - 1](requests);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { sent, createTasks: withBatchRetries(transport, { attempts: 4, ...noWait }).createTasks! };
}

test('a whole call answered UNAVAILABLE goes again as it was: the same request id, the same names', async () => {
  const { sent, createTasks } = scripted([
    () => unavailable(),
    () => unavailable(),
    (requests) => requests.map((r) => ({ name: nameOf(r) })),
  ]);
  const outcomes = await createTasks([request(), request('mine')], { requestId: 'r-1' });
  expect(sent).toHaveLength(3);
  expect(sent.map((call) => call.requestId)).toEqual(['r-1', 'r-1', 'r-1']);
  expect(new Set(sent.map((call) => call.ids.join()))).toEqual(new Set([sent[0].ids.join()]));
  // Unnamed tasks are named once, before the first try.
  expect(sent[0].ids[0]).toMatch(/^[0-9a-f]{32}$/);
  expect(sent[0].ids[1]).toBe('mine');
  expect(outcomes).toEqual(sent[0].ids.map((id) => ({ name: `projects/p/locations/l/queues/q/tasks/${id}` })));
});

test('items that failed alone go again alone, under a new request id; a name found taken then was made by the earlier try', async () => {
  const { sent, createTasks } = scripted([
    (requests) => requests.map((r, i) => (i === 1 || i === 2 ? { error: unavailable() } : { name: nameOf(r) })),
    // The earlier try had made item 1 after all; item 2 is made now.
    (requests) => [{ error: new TaskAlreadyExistsError(nameOf(requests[0])) }, { name: nameOf(requests[1]) }],
  ]);
  const outcomes = await createTasks([request(), request(), request(), request()], { requestId: 'r-1' });
  expect(sent[1].ids).toEqual([sent[0].ids[1], sent[0].ids[2]]);
  expect(sent[1].requestId).not.toBe('r-1');
  expect(outcomes).toEqual(sent[0].ids.map((id) => ({ name: `projects/p/locations/l/queues/q/tasks/${id}` })));
});

test("a name of the caller's own already taken on the first try is a duplicate: an error, not a task", async () => {
  const { sent, createTasks } = scripted([
    (requests) => [{ name: nameOf(requests[0]) }, { error: new TaskAlreadyExistsError(nameOf(requests[1])) }],
  ]);
  const outcomes = await createTasks([request(), request('taken')], { requestId: 'r-1' });
  expect(sent).toHaveLength(1);
  expect(outcomes[1]).toEqual({ error: expect.any(TaskAlreadyExistsError) });
});

test('tries spent: an item that stayed UNAVAILABLE is an error that says so; a whole call that stayed so rejects', async () => {
  const items = scripted(Array(4).fill((requests: readonly CreateTaskRequest[]) => requests.map(() => ({ error: unavailable() }))));
  const [outcome] = await items.createTasks([request('stuck')], { requestId: 'r-1' });
  expect(items.sent).toHaveLength(4);
  expect((outcome as { error: Error }).error.message).toMatch(
    /answered UNAVAILABLE to all 4 tries over \d+ ms to create .*tasks\/stuck.*cannot make a duplicate/,
  );

  const whole = scripted(Array(4).fill(() => unavailable()));
  await expect(whole.createTasks([request()], { requestId: 'r-2' })).rejects.toMatchObject({
    code: 14,
    message: expect.stringMatching(
      /all 4 tries over \d+ ms of BatchCreateTasks of 1 task\(s\) in projects\/p\/locations\/l\/queues\/q \(request id r-2\)/,
    ),
  });
  expect(whole.sent).toHaveLength(4);
});

test('other errors are not retried: a whole call refused rejects at once; an item refused keeps its error', async () => {
  const refused = scripted([() => new CloudTasksError(7, 'PERMISSION_DENIED')]);
  await expect(refused.createTasks([request()], { requestId: 'r' })).rejects.toMatchObject({ code: 7 });
  expect(refused.sent).toHaveLength(1);
  const invalid = scripted([() => [{ error: new CloudTasksError(3, 'INVALID_ARGUMENT') }]]);
  expect(await invalid.createTasks([request()], { requestId: 'r' })).toEqual([{ error: expect.objectContaining({ code: 3 }) }]);
  expect(invalid.sent).toHaveLength(1);
});

test('attempts 1 (DEFERRED_ENQUEUE_ATTEMPTS=1): unnamed tasks, one try', async () => {
  const sent: (string | undefined)[] = [];
  const { createTasks } = withBatchRetries(
    {
      createTask: async () => ({ name: 'unused' }),
      createTasks: async (requests) => {
        sent.push(...requests.map((r) => r.taskId));
        return requests.map(() => ({ error: unavailable() }));
      },
    },
    { attempts: 1 },
  );
  expect(await createTasks!([request()], { requestId: 'r' })).toEqual([{ error: expect.objectContaining({ code: 14 }) }]);
  expect(sent).toEqual([undefined]);
});

test('batch deletes: a whole call again under the same request id; names that failed alone again alone', async () => {
  const sent: { names: string[]; requestId: string }[] = [];
  const answers: (DeleteTaskOutcome[] | Error)[] = [
    unavailable(),
    [{ deleted: true }, { error: unavailable() }, { deleted: false }],
    [{ deleted: true }],
  ];
  const { deleteTasks } = withBatchRetries(
    {
      createTask: async () => ({ name: 'unused' }),
      deleteTasks: async (names, call) => {
        sent.push({ names: [...names], requestId: call.requestId });
        const answer = answers[sent.length - 1];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    { attempts: 4, ...noWait },
  );
  const names = ['a', 'b', 'c'].map((id) => `projects/p/locations/l/queues/q/tasks/${id}`);
  expect(await deleteTasks!(names, { requestId: 'd-1' })).toEqual([{ deleted: true }, { deleted: true }, { deleted: false }]);
  expect(sent.slice(0, 2).map((call) => call.requestId)).toEqual(['d-1', 'd-1']);
  expect(sent[2].requestId).not.toBe('d-1');
  expect(sent[2].names).toEqual([names[1]]);
});
