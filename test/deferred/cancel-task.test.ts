/**
 * cancelTask in the jest stub (a cancelled task is gone from getFilteredTasks) and through the
 * production transport over REST, answered by msw: Google's request shape, and its 403 and 404.
 */
import { PassThroughClient } from 'google-auth-library';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { cancelTask, CloudTasksError, createManifest, defer, deferrable } from 'next-cloud-tasks';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { applyTestOptions, setupTaskQueueStub, setupTestOptions, TEST_OPTIONS } from 'next-cloud-tasks/testing';
import { cloudTasksRestHandlers } from 'next-cloud-tasks/testing/msw';

const ran: string[] = [];
const remind = deferrable('reminders.send', (userId: string) => void ran.push(userId));
const queue = setupTaskQueueStub({ manifest: createManifest([remind]) });
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  ran.length = 0;
});
afterEach(() => {
  server.resetHandlers();
});

describe('in the jest stub', () => {
  test('a cancelled task is gone from getFilteredTasks and never runs; cancelling again answers false', async () => {
    const keep = await defer(remind, ['keep'], { queue: 'testing', countdown: 60 });
    const drop = await defer(remind, ['drop'], { queue: 'testing', countdown: 60 });
    expect(await cancelTask(drop)).toBe(true);
    expect(queue.getFilteredTasks().map((task) => task.name)).toEqual([keep]);
    expect(await cancelTask(drop)).toBe(false);
    queue.clock.advance(61_000);
    await queue.drain();
    expect(ran).toEqual(['keep']);
    expect(await cancelTask(keep)).toBe(false); // it ran
  });

  test('its name stays taken after a cancel, as in Cloud Tasks', async () => {
    const name = await defer(remind, ['a'], { queue: 'testing', name: 'reminder-7' });
    await cancelTask(name);
    await expect(defer(remind, ['a'], { queue: 'testing', name: 'reminder-7' })).rejects.toThrow(/already exists/);
  });
});

describe("over REST, Google's shapes (msw)", () => {
  const fetchImplementation = (url: any, init: any) => globalThis.fetch(url, init);
  const transport = () =>
    createCloudTasksTransport({
      clientOptions: { fallback: true, authClient: new PassThroughClient({ transporterOptions: { fetchImplementation } } as never) },
    });
  const deletes: { method: string; path: string }[] = [];
  let restore: () => void;

  beforeEach(() => {
    deletes.length = 0;
    server.events.removeAllListeners();
    server.events.on('request:start', ({ request }) => {
      if (request.method === 'DELETE') deletes.push({ method: request.method, path: new URL(request.url).pathname });
    });
    // Over the stub's options: its settings and queues, this transport.
    restore = applyTestOptions({ transport: transport() });
  });
  afterEach(() => restore());

  test('DELETE /v2/{task name}: true, then 404 NOT_FOUND reads as false', async () => {
    server.use(...cloudTasksRestHandlers(queue));
    const name = await defer(remind, ['x'], { queue: 'testing', countdown: 60 });
    expect(queue.getFilteredTasks({ name })).toHaveLength(1);
    expect(await cancelTask(name)).toBe(true);
    expect(queue.getFilteredTasks({ name })).toHaveLength(0);
    expect(await cancelTask(name)).toBe(false);
    expect(deletes).toEqual([
      { method: 'DELETE', path: `/v2/${name}` },
      { method: 'DELETE', path: `/v2/${name}` },
    ]);
  });

  test('403 PERMISSION_DENIED names roles/cloudtasks.taskDeleter, and the task stays', async () => {
    server.use(...cloudTasksRestHandlers(queue, { permissionDenied: ['deleteTask'] }));
    const name = await defer(remind, ['x'], { queue: 'testing' });
    const attempt = cancelTask(name);
    await expect(attempt).rejects.toBeInstanceOf(CloudTasksError);
    await expect(attempt).rejects.toMatchObject({ code: 7 });
    await expect(attempt).rejects.toThrow(/roles\/cloudtasks\.taskDeleter.*cloudtasks\.tasks\.delete/);
    expect(queue.getFilteredTasks({ name })).toHaveLength(1);
  });

  test('another error (500) is a CloudTasksError naming the task, never a silent false', async () => {
    const name = `projects/${TEST_OPTIONS.project}/locations/${TEST_OPTIONS.location}/queues/testing/tasks/t1`;
    server.use(
      http.delete('https://cloudtasks.googleapis.com/v2/*', () =>
        Response.json({ error: { code: 500, message: 'Internal error.', status: 'INTERNAL' } }, { status: 500 }),
      ),
    );
    await expect(cancelTask(name)).rejects.toThrow(new RegExp(`could not delete ${name}: .*Internal error`));
  });
});
