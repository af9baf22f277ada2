import {
  cloudTasksDeadLetterSink,
  CloudTasksError,
  type DeadLetterEntry,
  type LogEntry,
  type TaskTransport,
  type CloudTasksOptions,
} from 'next-cloud-tasks';
import type { CreateTaskRequest } from 'next-cloud-tasks';
import { decodeHeaderText, encodeHeaderText, readDeadLetterHeaders, writeDeadLetterHeaders } from '@/lib/src/contract/dead-letter-headers';
import { taskOwnHeaders } from '@/lib/src/handle/dead-letter';
import { applyTestOptions, setupTestOptions } from 'next-cloud-tasks/testing';

const config: CloudTasksOptions = {
  project: 'p',
  location: 'us-central1',
  serviceUrl: 'https://app.example.com',
  serviceAccount: 'tasks@p.iam.gserviceaccount.com',
  audience: 'https://app.example.com',
};

const entry = (over: Partial<DeadLetterEntry> = {}): DeadLetterEntry => ({
  reason: 'final-attempt',
  error: 'Error: boom',
  functionId: 'mail.send',
  queue: 'mail',
  taskName: 'abc',
  attempt: 5,
  url: '/_ah/queue/deferred/mail.send',
  headers: { 'content-type': 'application/json' },
  body: '{"json":{"v":1,"fn":"mail.send","args":[]}}',
  bodyEncoding: 'utf8',
  ...over,
});

const logs: LogEntry[] = [];
setupTestOptions({ logWriter: (e) => logs.push(e) });
beforeEach(() => {
  logs.length = 0;
});

function recording(fail?: unknown): TaskTransport & { created: CreateTaskRequest[] } {
  const created: CreateTaskRequest[] = [];
  return {
    created,
    async createTask(request) {
      if (fail) throw fail;
      created.push(request);
      return { name: `projects/p/locations/us-central1/queues/${request.queue}/tasks/1` };
    },
  };
}

test('the dead task is created in the dead-letter queue: same URL, body, token; its headers plus why it died', async () => {
  const transport = recording();
  const sink = cloudTasksDeadLetterSink({ transport, config, deadLetterQueue: (q) => `${q}-dead-letter` });
  const body = Buffer.from([0xff, 0x00, 0x10]).toString('base64');
  const receipt = await sink(
    entry({ body, bodyEncoding: 'base64', headers: { 'content-type': 'application/json', 'x-deferred-dead-reason': 'forged' } }),
  );
  expect(receipt).toEqual({ keptAs: 'projects/p/locations/us-central1/queues/mail-dead-letter/tasks/1' });
  const [request] = transport.created;
  expect(request).toMatchObject({
    project: 'p',
    location: 'us-central1',
    queue: 'mail-dead-letter',
    url: 'https://app.example.com/_ah/queue/deferred/mail.send',
  });
  expect(request.taskId).toBeUndefined();
  expect(Buffer.from(request.body).equals(Buffer.from([0xff, 0x00, 0x10]))).toBe(true);
  expect(request.oidcToken).toEqual({ serviceAccountEmail: config.serviceAccount, audience: config.audience });
  // A header named like ours that came with the task is not trusted: ours replace it.
  expect(readDeadLetterHeaders(request.headers)).toEqual({
    reason: 'final-attempt',
    error: 'Error: boom',
    queue: 'mail',
    task: 'abc',
    attempts: 5,
    functionId: 'mail.send',
  });
  expect(Object.keys(request.headers).filter((h) => /dead-reason/i.test(h))).toEqual(['X-Deferred-Dead-Reason']);
});

test('a refused write falls back to the whole task in the ERROR log, saying why', async () => {
  const denied = new CloudTasksError(7, 'Cloud Tasks refused to create a task (PERMISSION_DENIED)');
  const sink = cloudTasksDeadLetterSink({ transport: recording(denied), config, deadLetterQueue: () => 'mail-dead-letter' });
  expect(await sink(entry())).toBeUndefined();
  expect(logs).toEqual([
    expect.objectContaining({
      severity: 'ERROR',
      deadLetter: entry(),
      deadLetterProblem: expect.stringContaining(
        'could not be kept in dead-letter queue projects/p/locations/us-central1/queues/mail-dead-letter (CloudTasksError: Cloud Tasks refused',
      ),
    }),
  ]);
});

test('a custom fallback gets the entry, and a WARNING says why; if it throws, so does the sink (the handler answers 500)', async () => {
  const fallen: DeadLetterEntry[] = [];
  const sink = cloudTasksDeadLetterSink({
    transport: recording(new CloudTasksError(5, 'no queue')),
    config,
    deadLetterQueue: () => 'mail-dead-letter',
    fallback: (e) => void fallen.push(e),
  });
  await sink(entry());
  expect(fallen).toEqual([entry()]);
  expect(logs).toEqual([expect.objectContaining({ severity: 'WARNING', message: expect.stringContaining('does not exist') })]);
  const failing = cloudTasksDeadLetterSink({
    transport: recording(new Error('down')),
    config,
    deadLetterQueue: () => 'x',
    fallback: () => {
      throw new Error('table locked');
    },
  });
  await expect(failing(entry())).rejects.toThrow('table locked');
});

test('without a config to create tasks with, the task is logged whole with the configuration problem', async () => {
  const saved = process.env.GOOGLE_CLOUD_PROJECT;
  delete process.env.GOOGLE_CLOUD_PROJECT;
  try {
    // Options applied after the change: the settings are resolved again from this environment.
    const restore = applyTestOptions({});
    await cloudTasksDeadLetterSink({ deadLetterQueue: () => 'mail-dead-letter' })(entry());
    restore();
    expect(logs).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        deadLetter: entry(),
        deadLetterProblem: expect.stringContaining('GOOGLE_CLOUD_PROJECT is not set'),
      }),
    ]);
  } finally {
    if (saved !== undefined) process.env.GOOGLE_CLOUD_PROJECT = saved;
  }
});

test('header text survives any error message: CR/LF, non-Latin, backslashes, edge spaces', () => {
  for (const text of ['Error: a\r\nb', 'Fehler: 5 € zu viel 🙈', 'C:\\path\\u0041', ' padded ', '']) {
    const encoded = encodeHeaderText(text);
    expect(encoded).toMatch(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$|^$/);
    expect(decodeHeaderText(encoded)).toBe(text);
  }
  expect(decodeHeaderText(encodeHeaderText('x'.repeat(5000)))).toBe(`${'x'.repeat(2000)}…`);
  expect(readDeadLetterHeaders(writeDeadLetterHeaders({ reason: 'undecodable', error: 'EnvelopeDecodeError: not UTF-8' }))).toEqual({
    reason: 'undecodable',
    error: 'EnvelopeDecodeError: not UTF-8',
    attempts: undefined,
    queue: undefined,
    task: undefined,
    functionId: undefined,
  });
  expect(readDeadLetterHeaders({ 'content-type': 'application/json' })).toBeUndefined();
});

test("a delivery's own headers: what came with the task, not what Cloud Tasks, Cloud Run or proxies added", () => {
  const headers = new Headers({
    authorization: 'Bearer x',
    host: 'app.example.com',
    'content-length': '10',
    'content-type': 'application/json',
    'user-agent': 'Google-Cloud-Tasks',
    'x-cloudtasks-queuename': 'mail',
    'x-forwarded-for': '1.2.3.4',
    forwarded: 'for=1.2.3.4',
    'x-cloud-trace-context': 'abc/1;o=1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'x-tenant': 'acme',
    'x-deferred-dead-reason': 'forged',
  });
  expect(taskOwnHeaders(headers)).toEqual({
    'content-type': 'application/json',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'x-tenant': 'acme',
  });
});
