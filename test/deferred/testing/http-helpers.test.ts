import { PassThroughClient } from 'google-auth-library';
import { setupServer } from 'msw/node';
import { createManifest, defer, deferrable, getTaskContext, TaskAlreadyExistsError, type TaskContext } from 'next-cloud-tasks';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { createDeferredRoute } from 'next-cloud-tasks/next';
import {
  applyTestOptions,
  createSigningKey,
  setupTaskQueueStub,
  setupTestOptions,
  taskRequest,
  TEST_OPTIONS,
} from 'next-cloud-tasks/testing';
import { cloudTasksRestHandlers, googleCertsHandler } from 'next-cloud-tasks/testing/msw';

const runs: { args: unknown[]; context: TaskContext }[] = [];
const invoice = deferrable('billing.invoice', (customer: string, cents: bigint) => {
  runs.push({ args: [customer, cents], context: getTaskContext() });
});
const manifest = createManifest([invoice]);
const key = createSigningKey();
const server = setupServer(googleCertsHandler([key]));
const queue = setupTaskQueueStub({ manifest });

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  runs.length = 0;
});
afterEach(() => {
  server.resetHandlers();
});

describe('taskRequest: a task through your own route, with a token signed as Google signs it', () => {
  const route = createDeferredRoute(manifest, { config: TEST_OPTIONS });

  test('the route verifies the token and runs the function with the task context', async () => {
    await defer(invoice, ['cus_1', 1250n], { queue: 'testing', name: 'inv-1' });
    const [task] = queue.getFilteredTasks();
    const request = await taskRequest(task, { signingKey: key });
    expect(request.url).toBe('https://app.example.test/_ah/queue/deferred/billing.invoice');
    expect(request.headers.get('authorization')).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

    const response = await route.POST(request);
    expect(response.status).toBe(200);
    expect(runs).toEqual([
      {
        args: ['cus_1', 1250n],
        context: expect.objectContaining({ queueName: 'testing', taskName: 'inv-1', retryCount: 0, eta: task.eta }),
      },
    ]);
  });

  test("the task's history travels in the X-CloudTasks-* headers", async () => {
    await defer(invoice, ['cus_2', 1n], { queue: 'testing' });
    await queue.runTask(queue.getFilteredTasks()[0]);
    const [task] = queue.getFilteredTasks();
    const request = await taskRequest(task, { signingKey: key, url: 'http://localhost:3000/_ah/queue/deferred/billing.invoice' });
    expect(request.url).toBe('http://localhost:3000/_ah/queue/deferred/billing.invoice');
    expect(Object.fromEntries([...request.headers].filter(([name]) => name.startsWith('x-cloudtasks-')))).toEqual({
      'x-cloudtasks-queuename': 'testing',
      'x-cloudtasks-taskname': task.id,
      'x-cloudtasks-taskretrycount': '1',
      'x-cloudtasks-taskexecutioncount': '1',
      'x-cloudtasks-tasketa': (task.eta.getTime() / 1000).toFixed(6),
      'x-cloudtasks-taskpreviousresponse': '200',
      'x-cloudtasks-taskretryreason': '',
    });
    expect(request.headers.get('user-agent')).toBe('Google-Cloud-Tasks');
    expect((await route.POST(request)).status).toBe(200);
    expect(runs.at(-1)?.context).toEqual(expect.objectContaining({ retryCount: 1, executionCount: 1, previousResponse: 200 }));
  });

  test.each([
    ['a token of another service account', { email: 'intruder@evil.iam.gserviceaccount.com' }, 403],
    ['a token for another audience', { aud: 'https://elsewhere.example' }, 401],
    ['an expired token', { iat: 1_000_000, exp: 1_003_600 }, 401],
  ])('%s: refused with %i', async (_what, claims, status) => {
    await defer(invoice, ['cus_3', 1n], { queue: 'testing' });
    const response = await route.POST(await taskRequest(queue.getFilteredTasks()[0], { signingKey: key, claims }));
    expect(response.status).toBe(status);
    expect(runs).toEqual([]);
  });

  test('a token signed by a key Google does not serve is refused', async () => {
    await defer(invoice, ['cus_4', 1n], { queue: 'testing' });
    const response = await route.POST(await taskRequest(queue.getFilteredTasks()[0], { signingKey: createSigningKey('unknown-kid') }));
    expect(response.status).toBe(401);
  });
});

describe('cloudTasksRestHandlers: the production transport, answered in memory by the same stub', () => {
  const fetchImplementation = (url: any, init: any) => globalThis.fetch(url, init);
  const authClient = () => new PassThroughClient({ transporterOptions: { fetchImplementation } } as never);
  const parent = `projects/${TEST_OPTIONS.project}/locations/${TEST_OPTIONS.location}/queues/testing`;

  let restore: () => void;
  beforeEach(() => {
    server.use(...cloudTasksRestHandlers(queue));
    // defer through the real @google-cloud/tasks client in REST mode, as in production, over the stub's settings.
    restore = applyTestOptions({ transport: createCloudTasksTransport({ clientOptions: { fallback: true, authClient: authClient() } }) });
  });
  afterEach(() => restore());

  test('a task created over REST is in the stub: name, schedule, url, headers, arguments; and it runs', async () => {
    const at = queue.clock.now().getTime();
    const name = await defer(invoice, ['cus_9', 99n], {
      queue: 'testing',
      name: 'rest-1',
      countdown: 30,
      dispatchDeadline: 120,
      headers: { 'X-Tenant': 'acme' },
    });
    expect(name).toBe(`${parent}/tasks/rest-1`);
    const [task] = queue.getFilteredTasks({ queueNames: 'testing' });
    expect(task).toEqual(
      expect.objectContaining({
        name,
        url: 'https://app.example.test/_ah/queue/deferred/billing.invoice',
        headers: { 'X-Tenant': 'acme', 'Content-Type': 'application/json' },
        args: ['cus_9', 99n],
        dispatchDeadlineSeconds: 120,
        oidcToken: { serviceAccountEmail: TEST_OPTIONS.serviceAccount, audience: TEST_OPTIONS.audience },
      }),
    );
    expect(task.eta.getTime() - at).toBe(30_000);
    queue.clock.advance(30);
    await queue.drain();
    expect(runs.map((r) => r.args)).toEqual([['cus_9', 99n]]);
  });

  test('unnamed: the stub names it, and defer returns that name', async () => {
    const name = await defer(invoice, ['cus_5', 5n], { queue: 'testing' });
    expect(name).toMatch(new RegExp(`^${parent}/tasks/\\d{19}$`));
    expect(queue.getFilteredTasks().map((t) => t.name)).toEqual([name]);
  });

  test("a duplicate name gets Google's 409 ALREADY_EXISTS: TaskAlreadyExistsError", async () => {
    await defer(invoice, ['a', 1n], { queue: 'testing', name: 'dup' });
    await expect(defer(invoice, ['a', 1n], { queue: 'testing', name: 'dup' })).rejects.toBeInstanceOf(TaskAlreadyExistsError);
    expect(queue.getFilteredTasks()).toHaveLength(1);
  });

  test('get, list and delete with the real client see the same tasks', async () => {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    const client = new CloudTasksClient({ fallback: true, authClient: authClient() } as never);
    await defer(invoice, ['a', 1n], { queue: 'testing', name: 'listed-1' });
    await defer(invoice, ['b', 2n], { queue: 'testing', name: 'listed-2', countdown: 10 });

    const [tasks] = await client.listTasks({ parent });
    expect(tasks.map((t) => t.name)).toEqual([`${parent}/tasks/listed-1`, `${parent}/tasks/listed-2`]);
    const [one] = await client.getTask({ name: `${parent}/tasks/listed-2` });
    expect(Number(one.scheduleTime?.seconds) * 1000).toBe(
      Math.floor(queue.getFilteredTasks({ name: 'listed-2' })[0].eta.getTime() / 1000) * 1000,
    );
    await client.deleteTask({ name: `${parent}/tasks/listed-1` });
    expect(queue.getFilteredTasks().map((t) => t.id)).toEqual(['listed-2']);
    await expect(client.getTask({ name: `${parent}/tasks/listed-1` })).rejects.toMatchObject({ code: 5 });
  });

  test('a queue the stub does not know: 404 NOT_FOUND, as Cloud Tasks answers', async () => {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    const client = new CloudTasksClient({ fallback: true, authClient: authClient() } as never);
    const attempt = client.createTask({
      parent: `projects/p/locations/l/queues/nope`,
      task: { httpRequest: { url: 'https://app.example.test/x', httpMethod: 'POST' as never } },
    });
    await expect(attempt).rejects.toMatchObject({ code: 5 });
    await expect(client.listTasks({ parent: 'projects/p/locations/l/queues/nope' })).rejects.toMatchObject({ code: 5 });
  });

  test('a task without an OIDC token is kept as such, and its request carries no Authorization', async () => {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    const client = new CloudTasksClient({ fallback: true, authClient: authClient() } as never);
    await client.createTask({
      parent,
      task: { httpRequest: { url: 'https://app.example.test/hook', httpMethod: 'POST' as never, body: Buffer.from('{}') } },
    });
    const [task] = queue.getFilteredTasks();
    expect(task).toEqual(expect.objectContaining({ url: 'https://app.example.test/hook', oidcToken: undefined, functionId: undefined }));
    expect(new TextDecoder().decode(task.payload)).toBe('{}');
    expect((await taskRequest(task, { signingKey: key })).headers.has('authorization')).toBe(false);
  });
});
