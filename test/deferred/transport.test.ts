import { PassThroughClient } from 'google-auth-library';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CloudTasksError, defer, deferrable, TaskAlreadyExistsError, type CloudTasksOptions } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { decodeEnvelope } from '@/lib/src/contract/envelope';

const config: CloudTasksOptions = {
  project: 'my-project',
  location: 'europe-west1',
  serviceUrl: 'https://app.example.com',
  serviceAccount: 'tasks@my-project.iam.gserviceaccount.com',
  audience: 'https://app.example.com',
};
const TASKS_URL = 'https://cloudtasks.googleapis.com/v2/projects/my-project/locations/europe-west1/queues/:queue/tasks';
const captured: { url: string; body: any }[] = [];
const server = setupServer();
const fetchImplementation = (url: any, init: any) => globalThis.fetch(url, init);

/** The production transport in REST mode, so msw sees the exact request Cloud Tasks would. */
const restTransport = () =>
  createCloudTasksTransport({
    clientOptions: { fallback: true, authClient: new PassThroughClient({ transporterOptions: { fetchImplementation } } as never) },
  });

const sendInvoice = deferrable('billing.sendInvoice', (customerId: string, amount: bigint, due: Date) => ({ customerId, amount, due }));

function answerWith(status: number, body: object) {
  server.use(
    http.post(TASKS_URL, async ({ request }) => {
      captured.push({ url: request.url, body: await request.json() });
      return HttpResponse.json(body, { status });
    }),
  );
}

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
let restore: () => void;
beforeEach(() => {
  captured.length = 0;
  restore = applyTestOptions({ ...config, transport: restTransport() });
});
afterEach(() => {
  server.resetHandlers();
  restore();
});

test('defer sends the exact createTask request: queue path, name, schedule, deadline, headers, OIDC, body', async () => {
  answerWith(200, { name: 'projects/my-project/locations/europe-west1/queues/default/tasks/invoice-42' });
  const eta = new Date(Date.now() + 3600_000);
  const due = new Date('2026-12-31T00:00:00Z');
  const name = await defer(sendInvoice, ['cus_1', 1234n, due], {
    name: 'invoice-42',
    eta,
    dispatchDeadline: 120,
    headers: { 'X-Tenant': 'acme' },
  });

  expect(name).toBe('projects/my-project/locations/europe-west1/queues/default/tasks/invoice-42');
  expect(captured).toHaveLength(1);
  const { url, body } = captured[0];
  expect(new URL(url).pathname).toBe('/v2/projects/my-project/locations/europe-west1/queues/default/tasks');
  const task = body.task;
  expect(task.name).toBe('projects/my-project/locations/europe-west1/queues/default/tasks/invoice-42');
  expect(new Date(task.scheduleTime).getTime()).toBe(eta.getTime());
  expect(task.dispatchDeadline).toBe('120s');
  expect(task.httpRequest.url).toBe('https://app.example.com/_ah/queue/deferred/billing.sendInvoice');
  expect([1, 'POST']).toContain(task.httpRequest.httpMethod);
  expect(task.httpRequest.headers).toEqual({ 'X-Tenant': 'acme', 'Content-Type': 'application/json' });
  expect(task.httpRequest.oidcToken).toEqual({
    serviceAccountEmail: 'tasks@my-project.iam.gserviceaccount.com',
    audience: 'https://app.example.com',
  });
  const envelope = decodeEnvelope(Buffer.from(task.httpRequest.body, 'base64'));
  expect(envelope).toEqual(expect.objectContaining({ v: 1, fn: 'billing.sendInvoice', args: ['cus_1', 1234n, due] }));
  expect(envelope.scheduledAt).toBe(eta.getTime());
});

test('a custom queue and an App Engine vanity url', async () => {
  answerWith(200, { name: 'projects/my-project/locations/europe-west1/queues/testing/tasks/1' });
  await defer(sendInvoice, ['c', 1n, new Date()], { queue: 'testing', url: '/_ah/queue/deferred_invoices', countdown: 30 });
  const task = captured[0].body.task;
  expect(new URL(captured[0].url).pathname).toContain('/queues/testing/tasks');
  expect(task.httpRequest.url).toBe('https://app.example.com/_ah/queue/deferred_invoices');
  expect(task.name).toBeUndefined();
  expect(new Date(task.scheduleTime).getTime()).toBeGreaterThan(Date.now() + 25_000);
});

test('409 ALREADY_EXISTS becomes TaskAlreadyExistsError naming the task', async () => {
  answerWith(409, { error: { code: 409, message: 'Requested entity already exists', status: 'ALREADY_EXISTS' } });
  const attempt = defer(sendInvoice, ['c', 1n, new Date()], { name: 'invoice-42' });
  await expect(attempt).rejects.toBeInstanceOf(TaskAlreadyExistsError);
  await expect(attempt).rejects.toMatchObject({ taskName: 'projects/my-project/locations/europe-west1/queues/default/tasks/invoice-42' });
});

test('403 PERMISSION_DENIED names the roles that are missing', async () => {
  answerWith(403, {
    error: { code: 403, message: 'The principal lacks IAM permission "cloudtasks.tasks.create"', status: 'PERMISSION_DENIED' },
  });
  const attempt = defer(sendInvoice, ['c', 1n, new Date()]);
  await expect(attempt).rejects.toBeInstanceOf(CloudTasksError);
  await expect(attempt).rejects.toThrow(/roles\/cloudtasks\.enqueuer.*roles\/iam\.serviceAccountUser on tasks@my-project/);
});

test('404 NOT_FOUND says to deploy queue.yaml', async () => {
  answerWith(404, { error: { code: 404, message: 'Queue does not exist.', status: 'NOT_FOUND' } });
  await expect(defer(sendInvoice, ['c', 1n, new Date()])).rejects.toThrow(/npx next-cloud-tasks queues apply/);
});

test('an unreachable endpoint rejects with an error and leaves no unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    server.close(); // real network for this one: a closed loopback port
    restore();
    restore = applyTestOptions({ ...config, transport: createCloudTasksTransport({ emulatorHost: '127.0.0.1:1' }) });
    await expect(defer(sendInvoice, ['c', 1n, new Date()])).rejects.toBeInstanceOf(CloudTasksError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    server.listen({ onUnhandledFrame: 'error' } as never);
  }
});
