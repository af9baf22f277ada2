/**
 * Dead letters in production, in Cloud Tasks' own REST shape: the handler's sink creates the dead
 * task through the real @google-cloud/tasks client (REST mode), msw answers as Cloud Tasks from
 * the test kit's stub, and the `dead-letters` CLI lists, inspects and replays it the same way.
 */
import path from 'node:path';
import { PassThroughClient } from 'google-auth-library';
import { setupServer } from 'msw/node';
import {
  cloudTasksDeadLetterSink,
  createManifest,
  deferrable,
  handleDeferredRequest,
  PermanentTaskFailure,
  type LogEntry,
  type CloudTasksOptions,
} from 'next-cloud-tasks';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { createTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';
import { cloudTasksRestHandlers, googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { httpFetch } from '@/lib/src/contract/http-fetch';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { runDeadLetters } from './support/run-dead-letters';

const FIXTURE = path.join(__dirname, '../fixtures/queues/dead-letter-app.yaml');
const PROJECT = 'shop-prod';
const LOCATION = 'europe-west1';
const SERVICE_URL = 'https://shop-abc123-ew.a.run.app';
const EMAIL = `deferred-tasks@${PROJECT}.iam.gserviceaccount.com`;
const enqueueConfig: CloudTasksOptions = {
  project: PROJECT,
  location: LOCATION,
  serviceUrl: SERVICE_URL,
  serviceAccount: EMAIL,
  audience: SERVICE_URL,
};
const handlerConfig: CloudTasksOptions = { audience: SERVICE_URL, allowedEmails: [EMAIL] };
const CLI_ENV = { GOOGLE_CLOUD_PROJECT: PROJECT, CLOUD_TASKS_LOCATION: LOCATION };
const DLQ = `projects/${PROJECT}/locations/${LOCATION}/queues/emails-dead-letter`;

let healed = false;
const runs: unknown[][] = [];
const sendReceipt = deferrable('shop.sendReceipt', (to: string, at: Date, items: Map<string, number>) => {
  if (!healed) throw new Error('SMTP relay refused the connection');
  runs.push([to, at, items]);
});
const importFeed = deferrable('shop.importFeed', (_url: string) => {
  throw new PermanentTaskFailure('feed is not CSV');
});
const manifest = createManifest([sendReceipt, importFeed]);

/** Cloud Tasks, as msw answers it: the stub holds the queues of the fixture, dead-letter queue included. */
const cloud = createTaskQueueStub({ manifest, queues: { path: FIXTURE }, config: enqueueConfig });
const key = createSigningKey();
const server = setupServer(googleCertsHandler([key]), ...cloudTasksRestHandlers(cloud));

const passThrough = () => new PassThroughClient({ transporterOptions: { fetchImplementation: httpFetch } } as never);
/** The production sink and transport, in REST mode without credentials (msw stands in for Google). */
const restTransport = createCloudTasksTransport({ clientOptions: { fallback: true, authClient: passThrough() } as never });
const sink = cloudTasksDeadLetterSink({ config: enqueueConfig, transport: restTransport });

const logs: LogEntry[] = [];
let token: string;
beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' } as never);
  token = await signIdToken(key, { aud: SERVICE_URL, email: EMAIL });
});
afterAll(() => server.close());
setupTestOptions({ queueYaml: FIXTURE, logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  cloud.clear();
  healed = false;
  runs.length = 0;
  logs.length = 0;
});
afterEach(() => {
  server.resetHandlers();
});

const ORIGINAL_ID = '4513299412373958000';
const ARGS = ['ada@example.com', new Date('2026-12-01T09:30:00.000Z'), new Map([['book', 2]])] as const;
/** The task's body as defer() made it, the same on every delivery. */
const BODY = encodeEnvelope('shop.sendReceipt', [...ARGS]);

/** One delivery as Cloud Tasks makes it through Cloud Run's front end (headers the task never had included). */
function deliver(attempt: number, { fn = 'shop.sendReceipt', body = BODY, queue = 'emails', task = ORIGINAL_ID } = {}): Promise<Response> {
  return handleDeferredRequest(
    new Request(`${SERVICE_URL}/_ah/queue/deferred/${fn}?source=checkout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-tenant': 'acme',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'user-agent': 'Google-Cloud-Tasks',
        'x-forwarded-for': '66.249.84.1',
        'x-forwarded-proto': 'https',
        'x-cloud-trace-context': '4bf92f3577b34da6a3ce929d0e0e4736/1;o=1',
        'x-cloudtasks-queuename': queue,
        'x-cloudtasks-taskname': task,
        'x-cloudtasks-taskretrycount': String(attempt - 1),
        'x-cloudtasks-taskexecutioncount': '0',
      },
      body,
    }),
    { manifest, config: handlerConfig, deadLetter: sink },
  );
}

async function exhaustAttempts(): Promise<Response> {
  // queue.yaml: task_retry_limit 2, so the third attempt is the last.
  for (const attempt of [1, 2]) expect((await deliver(attempt)).headers.get('x-deferred-outcome')).toBe('failed');
  return deliver(3);
}

test('a task that exhausts its attempts is kept in the paused dead-letter queue, unchanged, with why it died', async () => {
  const last = await exhaustAttempts();
  expect(last.headers.get('x-deferred-outcome')).toBe('dead-lettered');
  const [dead] = cloud.getFilteredTasks({ queueNames: 'emails-dead-letter' });
  expect(last.headers.get('x-deferred-kept-as')).toBe(dead.name);
  expect(dead.name.startsWith(`${DLQ}/tasks/`)).toBe(true);
  expect(dead.url).toBe(`${SERVICE_URL}/_ah/queue/deferred/shop.sendReceipt?source=checkout`);
  expect(Buffer.from(dead.payload).equals(Buffer.from(BODY))).toBe(true);
  expect(dead.oidcToken).toEqual({ serviceAccountEmail: EMAIL, audience: SERVICE_URL });
  // The task's own headers, and ours; nothing Cloud Tasks or Cloud Run added.
  expect(dead.headers).toEqual({
    'content-type': 'application/json',
    'x-tenant': 'acme',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'X-Deferred-Dead-Reason': 'final-attempt',
    'X-Deferred-Dead-Error': 'Error: SMTP relay refused the connection',
    'X-Deferred-Dead-Queue': 'emails',
    'X-Deferred-Dead-Task': ORIGINAL_ID,
    'X-Deferred-Dead-Attempts': '3',
    'X-Deferred-Dead-Function': 'shop.sendReceipt',
  });
  // One ERROR entry for alerts, which says where the task is, without its body.
  const entry = logs.find((e) => e.deadLetter);
  expect(entry).toMatchObject({ severity: 'ERROR', deadLetter: { keptAs: dead.name, queue: 'emails', attempt: 3 } });
  expect(entry!.message).toContain(`dead-letters replay ${dead.id}`);
  expect(JSON.stringify(entry)).not.toContain('ada@example.com');
});

test('list, inspect, replay: the dead task runs again in its own queue, and leaves the dead-letter queue', async () => {
  await exhaustAttempts();
  expect(
    (
      await deliver(1, {
        fn: 'shop.importFeed',
        body: encodeEnvelope('shop.importFeed', ['https://feeds.example.com/x.xml']),
        task: '7730441279145560001',
      })
    ).status,
  ).toBe(200);
  const [receipt, feed] = ['shop.sendReceipt', 'shop.importFeed'].map((fn) =>
    cloud.getFilteredTasks({ queueNames: 'emails-dead-letter' }).find((t) => t.functionId === fn)!,
  );

  const list = await runDeadLetters(['list', '--file', FIXTURE], CLI_ENV);
  expect(list).toMatchObject({ code: 0, stderr: '' });
  const lines = list.stdout.split('\n');
  expect(lines[1]).toMatch(/^TASK +QUEUE +FUNCTION +REASON +ATTEMPTS +DEAD-LETTERED AT +ERROR$/);
  expect(lines.find((l) => l.startsWith(receipt.id))).toMatch(
    new RegExp(
      `^${receipt.id} +emails +shop\\.sendReceipt +final-attempt +3 +\\d{4}-\\d\\d-\\d\\dT.+Z +Error: SMTP relay refused the connection$`,
    ),
  );
  expect(lines.find((l) => l.startsWith(feed.id))).toMatch(
    / emails +shop\.importFeed +permanent-failure +1 +.+PermanentTaskFailure: feed is not CSV$/,
  );
  expect(list.stdout).toContain('2 dead tasks.');

  const json = JSON.parse((await runDeadLetters(['list', '--json', '--file', FIXTURE], CLI_ENV)).stdout);
  expect(json.tasks).toContainEqual(
    expect.objectContaining({
      id: receipt.id,
      queue: 'emails',
      originalTask: ORIGINAL_ID,
      functionId: 'shop.sendReceipt',
      reason: 'final-attempt',
      attempts: 3,
    }),
  );

  // By its id in the dead-letter queue, or by the id the logs gave it in its own queue.
  const inspect = await runDeadLetters(['inspect', receipt.id, '--file', FIXTURE], CLI_ENV);
  expect(inspect.code).toBe(0);
  expect(inspect.stdout).toMatch(/^function +shop\.sendReceipt$/m);
  expect(inspect.stdout).toMatch(/^reason +final-attempt$/m);
  expect(inspect.stdout).toMatch(/^attempts +3$/m);
  expect(inspect.stdout).toMatch(/^error +Error: SMTP relay refused the connection$/m);
  expect(inspect.stdout).toContain(`queue             emails (its task ${ORIGINAL_ID} there)`);
  expect(inspect.stdout).toMatch(/^args +\[ 'ada@example\.com', 2026-12-01T09:30:00\.000Z, Map\(1\) \{ 'book' => 2 \} \]$/m);
  const byOriginalId = JSON.parse((await runDeadLetters(['inspect', ORIGINAL_ID, '--json', '--file', FIXTURE], CLI_ENV)).stdout);
  expect(byOriginalId).toMatchObject({
    task: receipt.name,
    envelope: { fn: 'shop.sendReceipt', args: ['ada@example.com', '2026-12-01T09:30:00.000Z', [['book', 2]]] },
  });

  const replay = await runDeadLetters(['replay', receipt.id, '--file', FIXTURE], CLI_ENV);
  expect(replay).toMatchObject({ code: 0, stderr: '' });
  expect(replay.stdout).toMatch(
    new RegExp(`^replayed ${receipt.id} \\(shop\\.sendReceipt\\) to queue emails as \\d+; removed from emails-dead-letter$`),
  );
  expect(cloud.getFilteredTasks({ queueNames: 'emails-dead-letter' }).map((t) => t.id)).toEqual([feed.id]);
  const [again] = cloud.getFilteredTasks({ queueNames: 'emails' });
  expect(again).toMatchObject({
    url: receipt.url,
    headers: { 'content-type': 'application/json', 'x-tenant': 'acme', traceparent: expect.any(String) },
    oidcToken: receipt.oidcToken,
  });
  expect(Object.keys(again.headers).some((h) => /dead/i.test(h))).toBe(false);
  expect(Buffer.from(again.payload).equals(Buffer.from(receipt.payload))).toBe(true);

  // The cause is fixed; Cloud Tasks delivers the replayed task, and it runs with its arguments intact.
  healed = true;
  const [run] = await cloud.drain({ queueNames: 'emails' });
  expect(run.outcome).toBe('success');
  expect(runs).toEqual([[...ARGS]]);
  expect(runs[0][1]).toBeInstanceOf(Date);
  expect(runs[0][2]).toBeInstanceOf(Map);

  // delete removes the other for good.
  const removed = await runDeadLetters(['delete', '--all', '--file', FIXTURE], CLI_ENV);
  expect(removed).toMatchObject({ code: 0, stdout: `deleted ${feed.id} (shop.importFeed) from emails-dead-letter` });
  expect(cloud.getFilteredTasks({ queueNames: 'emails-dead-letter' })).toEqual([]);
  expect((await runDeadLetters(['list', '--file', FIXTURE], CLI_ENV)).stdout).toContain('none.');
});

test('with the dead-letter queue missing, the ERROR log entry holds the whole task, says so, and is enough to enqueue it again', async () => {
  // Cloud Tasks without the dead-letter queue: queue.yaml declares it, `queues apply` never ran.
  const bare = createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: emails\n  rate: 5/s\n' }, config: enqueueConfig });
  server.use(...cloudTasksRestHandlers(bare));
  const last = await exhaustAttempts();
  expect(last.headers.get('x-deferred-outcome')).toBe('dead-lettered');
  expect(last.headers.get('x-deferred-kept-as')).toBeNull();

  const [entry] = logs.filter((e) => e.deadLetter);
  expect(entry.severity).toBe('ERROR');
  expect(entry.deadLetterProblem).toBe(
    `its dead-letter queue ${DLQ} does not exist: queue.yaml declares it; create it with \`npx next-cloud-tasks queues apply\`. Until then this entry is the only copy of the task`,
  );
  expect(entry.message).toContain('does not exist');
  const dead = entry.deadLetter as {
    url: string;
    headers: Record<string, string>;
    body: string;
    bodyEncoding: 'utf8' | 'base64';
    queue: string;
  };
  expect(entry.deadLetter).toMatchObject({
    reason: 'final-attempt',
    error: 'Error: SMTP relay refused the connection',
    functionId: 'shop.sendReceipt',
    queue: 'emails',
    taskName: ORIGINAL_ID,
    attempt: 3,
    url: '/_ah/queue/deferred/shop.sendReceipt?source=checkout',
    headers: { 'content-type': 'application/json', 'x-tenant': 'acme', traceparent: expect.any(String) },
    bodyEncoding: 'utf8',
  });

  // What an operator does with that entry alone (and the app's service URL): the same task again.
  await restTransport.createTask({
    project: PROJECT,
    location: LOCATION,
    queue: dead.queue,
    url: SERVICE_URL + dead.url,
    headers: dead.headers,
    body: Buffer.from(dead.body, dead.bodyEncoding),
    oidcToken: { serviceAccountEmail: EMAIL, audience: SERVICE_URL },
  });
  healed = true;
  expect((await bare.drain({ queueNames: 'emails' })).map((r) => r.outcome)).toEqual(['success']);
  expect(runs).toEqual([[...ARGS]]);
});

test('a queue without dead_letter_queue: the dead task is logged whole, as before, and nothing is created', async () => {
  expect((await deliver(1, { queue: 'reports' })).headers.get('x-deferred-outcome')).toBe('dead-lettered');
  const [entry] = logs.filter((e) => e.deadLetter);
  expect(entry).toMatchObject({
    severity: 'ERROR',
    deadLetter: { queue: 'reports', attempt: 1, body: expect.stringContaining('ada@example.com') },
  });
  expect(entry.deadLetterProblem).toBeUndefined();
  expect(cloud.getFilteredTasks()).toEqual([]);
});

test('the dead-letters CLI explains what is missing, with the queue CLI exit codes', async () => {
  const noFile = await runDeadLetters(['list', '--file', '/nowhere/queue.yaml'], CLI_ENV);
  expect(noFile).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read /nowhere/queue.yaml (file not found)') });
  const bare = path.join(__dirname, '../fixtures/queues/deploy.yaml');
  expect(await runDeadLetters(['list', '--file', bare], CLI_ENV)).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('declares no dead-letter queue'),
  });
  expect(await runDeadLetters(['list', '--file', FIXTURE, '--queue', 'reports'], CLI_ENV)).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('queue "reports" has no dead_letter_queue'),
  });
  expect(await runDeadLetters(['list', '--file', FIXTURE], {})).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('pass --project or set GOOGLE_CLOUD_PROJECT'),
  });
  expect(await runDeadLetters(['inspect', '123', '--file', FIXTURE], CLI_ENV)).toMatchObject({
    code: 3,
    stderr: expect.stringContaining('no dead task 123 in emails-dead-letter'),
  });

  // The dead-letter queue itself missing in Cloud Tasks: said, with the command that creates it.
  server.use(...cloudTasksRestHandlers(createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: emails\n  rate: 5/s\n' } })));
  const missing = await runDeadLetters(['list', '--file', FIXTURE], CLI_ENV);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain(
    'The dead-letter queue emails-dead-letter does not exist yet: create it with `next-cloud-tasks queues apply`',
  );
});

test('a replay whose queue is gone fails with exit 3 and leaves the dead task where it is', async () => {
  await exhaustAttempts();
  const [dead] = cloud.getFilteredTasks({ queueNames: 'emails-dead-letter' });
  // Cloud Tasks with the dead-letter queue but without emails (deleted since).
  const onlyDlq = createTaskQueueStub({
    manifest,
    queues: { yaml: 'queue:\n- name: emails-dead-letter\n  rate: 0\n' },
    config: enqueueConfig,
  });
  await onlyDlq.createTask({
    project: PROJECT,
    location: LOCATION,
    queue: 'emails-dead-letter',
    taskId: dead.id,
    url: dead.url,
    headers: dead.headers,
    body: dead.payload,
    oidcToken: dead.oidcToken!,
  });
  server.use(...cloudTasksRestHandlers(onlyDlq));
  const replay = await runDeadLetters(['replay', dead.id, '--file', FIXTURE], CLI_ENV);
  expect(replay.code).toBe(3);
  expect(replay.stderr).toContain(`The queue emails, where ${dead.id} came from, does not exist`);
  expect(onlyDlq.getFilteredTasks().map((t) => t.id)).toEqual([dead.id]);
});
