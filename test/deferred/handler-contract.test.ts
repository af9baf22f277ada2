import { setupServer } from 'msw/node';
import {
  createManifest,
  deferrable,
  getTaskContext,
  handleDeferredRequest,
  PermanentTaskFailure,
  SingularTaskFailure,
  type DeadLetterEntry,
  type HandlerOptions,
  type LogEntry,
  type TaskContext,
  type CloudTasksOptions,
} from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { readTaskHeaders, writeTaskHeaders } from '@/lib/src/contract/task-headers';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { setupTestOptions } from 'next-cloud-tasks/testing';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const config: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };
const key = createSigningKey();
const server = setupServer(googleCertsHandler([key]));
let token: string;
beforeAll(async () => void (token = await signIdToken(key, { aud: AUDIENCE, email: EMAIL })));

const calls: { id: string; args: unknown[]; context: TaskContext }[] = [];
const track = (id: string, behaviour: (...args: any[]) => unknown = () => {}) =>
  deferrable(id, (...args: unknown[]) => {
    calls.push({ id, args, context: getTaskContext() });
    return behaviour(...args);
  });
const manifest = createManifest([
  track('ok'),
  track('slowOk', () => new Promise((resolve) => setTimeout(resolve, 20))),
  track('throws', () => {
    throw new Error('boom');
  }),
  track('rejects', async () => {
    throw new Error('async boom');
  }),
  track('permanent', () => {
    throw new PermanentTaskFailure('never');
  }),
  track('quietRetry', () => {
    throw new SingularTaskFailure('not yet');
  }),
]);

const logs: LogEntry[] = [];
const deadLetters: DeadLetterEntry[] = [];
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  calls.length = 0;
  logs.length = 0;
  deadLetters.length = 0;
});

interface Delivery {
  method?: string;
  path?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
  options?: Partial<HandlerOptions>;
}

function deliver({ method = 'POST', path = '/_ah/queue/deferred/ok', body, headers = {}, options = {} }: Delivery = {}): Promise<Response> {
  const request = new Request(`http://localhost:3000${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-cloudtasks-queuename': 'default', ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : (body ?? encodeEnvelope('ok', [])),
    duplex: 'half',
  } as RequestInit);
  return handleDeferredRequest(request, {
    manifest,
    config,
    deadLetter: (entry) => void deadLetters.push(entry),
    isLastAttempt: () => false,
    ...options,
  });
}

const envelope = (fn: string, args: unknown[] = []) => encodeEnvelope(fn, args);

describe('the status contract', () => {
  test('success: 2xx, the function ran once with its arguments', async () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const response = await deliver({ body: envelope('ok', ['a', 1, when, new Map([['k', new Set([1n])]])]) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-deferred-outcome')).toBe('success');
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual(['a', 1, when, new Map([['k', new Set([1n])]])]);
  });

  test('an async function is awaited before the answer', async () => {
    const response = await deliver({ body: envelope('slowOk') });
    expect(response.status).toBe(200);
    expect(calls.map((c) => c.id)).toEqual(['slowOk']);
  });

  test.each([['throws'], ['rejects']])('a function that %s: 500, so Cloud Tasks retries', async (id) => {
    const response = await deliver({ body: envelope(id) });
    expect(response.status).toBe(500);
    expect(deadLetters).toEqual([]);
    expect(logs.find((l) => l.severity === 'ERROR')?.message).toContain('boom');
  });

  test('PermanentTaskFailure: 2xx (dropped), logged at ERROR and dead-lettered with the body', async () => {
    const body = envelope('permanent', ['x']);
    const response = await deliver({ body, headers: { 'x-cloudtasks-taskname': 'task-7', 'x-cloudtasks-taskretrycount': '2' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-deferred-outcome')).toBe('dead-lettered');
    expect(deadLetters).toEqual([
      expect.objectContaining({
        reason: 'permanent-failure',
        functionId: 'permanent',
        queue: 'default',
        taskName: 'task-7',
        attempt: 3,
        url: '/_ah/queue/deferred/ok',
        body: new TextDecoder().decode(body),
        bodyEncoding: 'utf8',
      }),
    ]);
    expect(logs.some((l) => l.severity === 'ERROR')).toBe(true);
  });

  test('SingularTaskFailure: a quiet retry (408, logged at DEBUG, no ERROR)', async () => {
    const response = await deliver({ body: envelope('quietRetry') });
    expect(response.status).toBe(408);
    expect(logs.map((l) => l.severity)).toEqual(['DEBUG']);
    expect(deadLetters).toEqual([]);
  });

  test.each([
    ['not json at all'],
    ['{"json":{"v":1}}'],
    ['{"json":{"v":99,"fn":"ok","args":[]}}'],
    ['{"json":{"v":1,"fn":"ok","args":"nope"}}'],
    ['null'],
  ])('a body that can never decode (%s): 2xx and dead-lettered, nothing runs', async (body) => {
    const response = await deliver({ body });
    expect(response.status).toBe(200);
    expect(calls).toEqual([]);
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'undecodable', body, bodyEncoding: 'utf8' })]);
  });

  test('a non-UTF-8 body is dead-lettered in base64', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const response = await deliver({ body: bytes });
    expect(response.status).toBe(200);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'undecodable', body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' }),
    ]);
  });

  test.each([['nope'], ['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty'], ['valueOf']])(
    'unknown function id %s: non-2xx (retried), nothing runs',
    async (id) => {
      const response = await deliver({ body: envelope(id) });
      expect(response.status).toBe(404);
      expect(calls).toEqual([]);
      expect(deadLetters).toEqual([]);
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );

  test('an unknown function on its last attempt is dead-lettered', async () => {
    const response = await deliver({ body: envelope('gone'), options: { isLastAttempt: () => true } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-deferred-outcome')).toBe('dead-lettered');
    // Why, for the emulator's dashboard: not only "HTTP 404".
    expect(response.headers.get('x-deferred-dead-reason')).toBe('unknown-function');
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'unknown-function', functionId: 'gone' })]);
  });

  test('a failure on the last attempt is dead-lettered; earlier failures are not', async () => {
    const seen: unknown[] = [];
    const isLastAttempt = (info: { attempt: number }) => (seen.push(info), info.attempt >= 3);
    const earlier = await deliver({
      body: envelope('throws'),
      headers: { 'x-cloudtasks-taskretrycount': '1' },
      options: { isLastAttempt },
    });
    expect(earlier.status).toBe(500);
    expect(earlier.headers.get('x-deferred-dead-reason')).toBeNull();
    expect(deadLetters).toEqual([]);
    const last = await deliver({ body: envelope('throws'), headers: { 'x-cloudtasks-taskretrycount': '2' }, options: { isLastAttempt } });
    expect(last.status).toBe(500);
    expect(last.headers.get('x-deferred-dead-reason')).toBe('final-attempt');
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'final-attempt', functionId: 'throws', attempt: 3, error: 'Error: boom' }),
    ]);
    expect(seen).toEqual([expect.objectContaining({ queueName: 'default', attempt: 2 }), expect.objectContaining({ attempt: 3 })]);
  });

  test("by default, the last attempt comes from the queue's retry config in queue.yaml", async () => {
    // queue.yaml: demo-failures has task_retry_limit 2, so attempt 3 is the last.
    const options = { isLastAttempt: undefined };
    const headers = (retries: number) => ({ 'x-cloudtasks-queuename': 'demo-failures', 'x-cloudtasks-taskretrycount': String(retries) });
    await deliver({ body: envelope('throws'), headers: headers(1), options });
    expect(deadLetters).toEqual([]);
    await deliver({ body: envelope('throws'), headers: headers(2), options });
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'final-attempt', attempt: 3, queue: 'demo-failures' })]);
  });

  test('a dead-letter sink that fails makes the answer 500, so Cloud Tasks keeps the task', async () => {
    const response = await deliver({
      body: envelope('permanent'),
      options: {
        deadLetter: () => {
          throw new Error('sink down');
        },
      },
    });
    expect(response.status).toBe(500);
  });

  test.each([['GET'], ['PUT'], ['DELETE'], ['PATCH']])('%s: 405 with Allow: POST, nothing runs', async (method) => {
    const response = await deliver({ method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(calls).toEqual([]);
  });

  test('a body over the cap: 413, nothing runs (declared length)', async () => {
    const response = await deliver({ body: envelope('ok', ['x'.repeat(2000)]), options: { maxBodyBytes: 1000 } });
    expect(response.status).toBe(413);
    expect(calls).toEqual([]);
  });

  test('a chunked body over the cap (no Content-Length): 413, nothing runs', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(600));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++;
        if (sent > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await deliver({ body: stream, options: { maxBodyBytes: 1000 } });
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(10);
    expect(calls).toEqual([]);
  });

  test('the default cap is 1 MiB, the largest Cloud Task', async () => {
    const response = await deliver({ body: envelope('ok', ['x'.repeat(1024 * 1024)]) });
    expect(response.status).toBe(413);
  });

  test('the body is not read before the token is verified', async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const response = await deliver({ body: stream, headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(pulled).toBe(false);
  });
});

describe('the task context', () => {
  test('writeTaskHeaders (what the emulator and the test kit send) is what readTaskHeaders reads', () => {
    const first = { queueName: 'emails', taskName: 't1', retryCount: 0, executionCount: 0, eta: new Date(1767323045123) };
    const retry = { ...first, retryCount: 3, executionCount: 1, previousResponse: 503, retryReason: 'HTTP_503' };
    for (const headers of [first, retry]) {
      expect(readTaskHeaders(new Headers(writeTaskHeaders(headers)))).toEqual({
        previousResponse: undefined,
        retryReason: undefined,
        ...headers,
      });
    }
    expect(writeTaskHeaders(first)['User-Agent']).toBe('Google-Cloud-Tasks');
  });

  test('comes from the X-CloudTasks-* headers', async () => {
    await deliver({
      headers: {
        'x-cloudtasks-queuename': 'emails',
        'x-cloudtasks-taskname': '0123456789',
        'x-cloudtasks-taskretrycount': '3',
        'x-cloudtasks-taskexecutioncount': '1',
        'x-cloudtasks-tasketa': '1767323045.123456',
        'x-cloudtasks-taskpreviousresponse': '503',
        'x-cloudtasks-taskretryreason': 'HTTP status code 503',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    });
    expect(calls[0].context).toEqual(
      expect.objectContaining({
        functionId: 'ok',
        queueName: 'emails',
        taskName: '0123456789',
        retryCount: 3,
        executionCount: 1,
        attempt: 4,
        eta: new Date(1767323045123.456),
        previousResponse: 503,
        retryReason: 'HTTP status code 503',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      }),
    );
  });

  test('a first attempt has retry count 0 and no previous response', async () => {
    await deliver();
    expect(calls[0].context).toEqual(
      expect.objectContaining({ retryCount: 0, executionCount: 0, attempt: 1, previousResponse: undefined }),
    );
  });
});

describe('logs', () => {
  test('one JSON line per outcome with queue, task, function, attempt, duration and trace', async () => {
    await deliver({ headers: { 'x-cloudtasks-taskname': 't1', 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toEqual(
      expect.objectContaining({
        severity: 'INFO',
        'logging.googleapis.com/trace': expect.stringMatching(/105445aa7843bc8bf206b12000100000$/),
        task: expect.objectContaining({
          queue: 'default',
          name: 't1',
          functionId: 'ok',
          attempt: 1,
          outcome: 'success',
          status: 200,
          durationMs: expect.any(Number),
        }),
      }),
    );
  });
});
