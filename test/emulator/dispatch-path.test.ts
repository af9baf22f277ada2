/**
 * What the dispatch path keeps between tasks so that thousands a second cost little each: the
 * signed OIDC token, the target policy's verdict per host, and the recent outcomes tests wait
 * for. Each must behave exactly as the work it saves.
 */
import { EventEmitter } from 'node:events';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { EMULATOR_ISSUER } from '@/lib/src/contract/issuers';
import { buildHeaders } from '@/lib/src/emulator/attempt';
import { FinishedTaskRecorder } from '@/lib/src/emulator/finished-tasks';
import type { TaskRecord } from '@/lib/src/emulator/model';
import { OidcSigner } from '@/lib/src/emulator/oidc-signer';
import { Store } from '@/lib/src/emulator/store';
import { TargetPolicy } from '@/lib/src/emulator/target-policy';
import type { Dispatcher } from '@/lib/src/emulator/dispatcher';

const EMAIL = 'tasks@test-project.iam.gserviceaccount.com';
const task = (name: string, audience?: string): TaskRecord => ({
  name: `projects/p/locations/l/queues/q/tasks/${name}`,
  queue: 'projects/p/locations/l/queues/q',
  state: 'running',
  url: 'http://127.0.0.1:3000/_ah/queue/deferred',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json' },
  oidcToken: { serviceAccountEmail: EMAIL, ...(audience ? { audience } : {}) },
  scheduleTimeMs: 0,
  createTimeMs: 0,
  dispatchDeadlineSeconds: 600,
  dispatchCount: 1,
  responseCount: 0,
  executionCount: 0,
});

describe('attempt headers', () => {
  const store = new Store(':memory:');
  const signer = OidcSigner.load(store);
  afterAll(() => store.close());

  test('dispatches for one audience share one signed token, and it verifies', async () => {
    const first = await buildHeaders(task('a', 'https://app.example.com'), {}, signer, undefined);
    const second = await buildHeaders(task('b', 'https://app.example.com'), {}, signer, undefined);
    expect(second.Authorization).toBe(first.Authorization);
    expect(second['X-CloudTasks-TaskName']).toBe('b');
    const { payload } = await jwtVerify(second.Authorization.replace(/^Bearer /, ''), createLocalJWKSet(signer.jwks() as never), {
      issuer: EMULATOR_ISSUER,
      audience: 'https://app.example.com',
    });
    expect(payload).toMatchObject({ email: EMAIL, sub: EMAIL, email_verified: true });
  });

  test('another audience gets its own token, signed for it', async () => {
    const headers = await buildHeaders(task('c', 'https://other.example.com'), {}, signer, undefined);
    const again = await buildHeaders(task('a', 'https://app.example.com'), {}, signer, undefined);
    expect(headers.Authorization).not.toBe(again.Authorization);
    await expect(
      jwtVerify(headers.Authorization.replace(/^Bearer /, ''), createLocalJWKSet(signer.jwks() as never), {
        audience: 'https://other.example.com',
      }),
    ).resolves.toBeDefined();
  });

  test('a token near its expiry is not handed out again: the dispatch signs a new one', async () => {
    const audience = 'https://expiry.example.com';
    const now = Date.now();
    const token = await signer.sign(audience, EMAIL, now);
    expect(await signer.sign(audience, EMAIL, now + 49 * 60_000)).toBe(token);
    // 51 minutes later: less than the 10-minute margin is left of the hour.
    expect(await signer.sign(audience, EMAIL, now + 51 * 60_000)).not.toBe(token);
  });
});

describe('the target policy, asked again and again', () => {
  const policy = new TargetPolicy(['app.internal']);
  test.each([
    ['http://127.0.0.1:3000/x', undefined],
    ['http://localhost:3000/x', undefined],
    ['http://app.internal/x', undefined],
    ['http://169.254.169.254/computeMetadata/v1/', /link-local or cloud metadata address/],
    ['http://example.com/x', /not loopback.*--allow-target-host example\.com/],
  ])('%s: the same verdict every time, with the URL in the message', (url, expected) => {
    for (let i = 0; i < 3; i++) {
      const refused = policy.refuseUrl(new URL(url));
      if (expected === undefined) expect(refused).toBeUndefined();
      else expect(refused).toMatch(expected);
    }
    if (expected) expect(policy.refuseUrl(new URL(`${url}?again`))).toContain(`${url}?again`);
  });
});

test('the recent outcomes keep at least the last 10,000, the oldest forgotten first', async () => {
  const events = new EventEmitter();
  const recorder = new FinishedTaskRecorder(events as unknown as Dispatcher);
  for (let i = 0; i < 12_500; i++) events.emit('task:success', { task: task(`t${i}`), status: 200, durationMs: 1 });
  for (const i of [2_500, 7_000, 12_499]) {
    await expect(recorder.waitFor(task(`t${i}`).name, 0)).resolves.toMatchObject({ kind: 'success', status: 200 });
  }
  await expect(recorder.waitFor(task('t0').name, 10)).rejects.toThrow(/neither ran nor was dead-lettered/);
});
