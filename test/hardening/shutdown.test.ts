/**
 * Draining, in-process: once shutdown starts, new task requests get a retryable 503 without running
 * anything; tasks in flight may finish within the grace period; those still running after it are
 * answered 503 (never 2xx) and logged. The real SIGTERM through `next start`: shutdown-e2e.test.ts.
 */
import { createManifest, deferrable, handleDeferredRequest, type LogEntry, type CloudTasksOptions } from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { resetShutdownState, startDraining, tasksInFlight } from '@/lib/src/runtime/shutdown';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { setupServer } from 'msw/node';
import { setupTestOptions } from 'next-cloud-tasks/testing';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@p.iam.gserviceaccount.com';
const config: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };
const key = createSigningKey('k');
const server = setupServer(googleCertsHandler([key]));

let release: () => void = () => {};
const started: string[] = [];
const finished: string[] = [];
const slow = deferrable('test.slow', async (name: string) => {
  started.push(name);
  await new Promise<void>((resolve) => (release = resolve));
  finished.push(name);
});
const manifest = createManifest([slow]);
const logs: LogEntry[] = [];

let token: string;
beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' } as never);
  token = await signIdToken(key, { aud: AUDIENCE, email: EMAIL });
});
afterAll(() => server.close());
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  started.length = finished.length = logs.length = 0;
});
afterEach(() => {
  release();
  resetShutdownState();
});

function deliver(name: string) {
  return handleDeferredRequest(
    new Request(`${AUDIENCE}/_ah/queue/deferred/test.slow`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-cloudtasks-taskname': `task-${name}`,
        'x-cloudtasks-queuename': 'default',
      },
      body: encodeEnvelope('test.slow', [name]),
    }),
    { manifest, config },
  );
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

test('a task in flight when draining starts finishes within the grace period: 200', async () => {
  const answer = deliver('inflight');
  await until(() => started.length === 1);
  startDraining(1000);
  expect(tasksInFlight()).toBe(1);
  release();
  const response = await answer;
  expect(response.status).toBe(200);
  expect(finished).toEqual(['inflight']);
  expect(tasksInFlight()).toBe(0);
});

test('a task request that arrives while draining gets 503 with Retry-After, and nothing runs', async () => {
  startDraining(1000);
  const response = await deliver('late');
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.headers.get('x-deferred-outcome')).toBe('shutting-down');
  expect(started).toEqual([]);
});

test('a task still running when the grace period ends is answered 503 (retried), never 2xx, and logged', async () => {
  const answer = deliver('stuck');
  await until(() => started.length === 1);
  const drainStart = Date.now();
  startDraining(150);
  const response = await answer;
  expect(response.status).toBe(503);
  expect(Date.now() - drainStart).toBeGreaterThanOrEqual(140);
  expect(finished).toEqual([]);
  expect(logs).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ severity: 'WARNING', message: expect.stringMatching(/cut short by shutdown.*task-stuck/) }),
    ]),
  );
});
