/**
 * Google rotates the keys that sign Cloud Tasks' tokens and serves its JWK set with a long
 * max-age. Keys cached for that long would refuse a token signed with a key published since; the
 * verifier refetches once on an unknown key id, with a cool-down.
 */
import { randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createManifest, deferrable, handleDeferredRequest, type LogEntry, type CloudTasksOptions } from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { resetTokenVerifier } from '@/lib/src/handle/verify-token';
import { GOOGLE_JWKS_URL } from 'next-cloud-tasks/testing/msw';
import { KEYS_REFETCH_COOLDOWN_MS } from '@/lib/src/handle/signing-keys';
import { createSigningKey, encodeJwt, jwks, rs256, signIdToken, type SigningKey } from '@/lib/src/testing/oidc-tokens';
import { setupTestOptions } from 'next-cloud-tasks/testing';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const config: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };

/** What Google publishes right now; a test adds a key to rotate. Served for a day, as Google does. */
let published: SigningKey[] = [];
let fetches = 0;
let answerSlowlyMs = 0;
const server = setupServer(
  http.get(GOOGLE_JWKS_URL, async () => {
    fetches++;
    if (answerSlowlyMs) await new Promise((resolve) => setTimeout(resolve, answerSlowlyMs));
    return HttpResponse.json(jwks(published), { headers: { 'cache-control': 'public, max-age=86400, must-revalidate, no-transform' } });
  }),
);

const runs: unknown[][] = [];
const manifest = createManifest([deferrable('test.record', (...args: unknown[]) => void runs.push(args))]);
const logs: LogEntry[] = [];

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  resetTokenVerifier();
  published = [createSigningKey('key-2026-11')];
  fetches = 0;
  answerSlowlyMs = 0;
  runs.length = 0;
  logs.length = 0;
});
afterEach(() => {
  jest.restoreAllMocks();
});

async function deliver(token: string | Promise<string>): Promise<Response> {
  return handleDeferredRequest(
    new Request('http://localhost:3000/_ah/queue/deferred/test.record', {
      method: 'POST',
      headers: { authorization: `Bearer ${await token}`, 'content-type': 'application/json' },
      body: encodeEnvelope('test.record', ['hello']),
    }),
    { manifest, config },
  );
}

const tokenBy = (key: SigningKey) => signIdToken(key, { aud: AUDIENCE, email: EMAIL, jti: randomUUID() });
const refetchLogs = () => logs.filter((entry) => entry.certsRefetch);

test('a task signed by a newly published key runs on its first delivery, though the cached certs are a day fresh', async () => {
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  expect(fetches).toBe(1);

  const rotated = createSigningKey('key-2026-12');
  published = [...published, rotated];
  const token = await tokenBy(rotated);
  expect((await deliver(token)).status).toBe(200);
  expect(runs).toHaveLength(2);
  expect(fetches).toBe(2);

  // The refetch is logged, with nothing of the token (not even its key id, which the sender chose).
  expect(refetchLogs()).toEqual([
    expect.objectContaining({ severity: 'INFO', certsRefetch: { url: GOOGLE_JWKS_URL, keys: 2, newKeys: 1 } }),
  ]);
  const logged = JSON.stringify(logs);
  for (const part of token.split('.')) expect(logged).not.toContain(part);
  expect(logged).not.toContain('key-2026-12');

  // Both keys keep working from the refreshed cache, with no further fetch.
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  expect((await deliver(tokenBy(rotated))).status).toBe(200);
  expect(fetches).toBe(2);
});

test('concurrent tasks signed by the new key share one refetch', async () => {
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  const rotated = createSigningKey('key-2026-12');
  published = [...published, rotated];
  answerSlowlyMs = 100;
  const statuses = await Promise.all(Array.from({ length: 20 }, () => deliver(tokenBy(rotated)).then((r) => r.status)));
  expect(statuses).toEqual(Array(20).fill(200));
  expect(fetches).toBe(2);
});

test('on a cold cache, concurrent tasks share the first fetch too', async () => {
  answerSlowlyMs = 100;
  const statuses = await Promise.all(Array.from({ length: 20 }, () => deliver(tokenBy(published[0])).then((r) => r.status)));
  expect(statuses).toEqual(Array(20).fill(200));
  expect(fetches).toBe(1);
});

test('1,000 tokens with random unknown key ids: 401 each, and one refetch per cool-down at most', async () => {
  // Signed by the forger's own key (by hand, as a forger would: synchronously, so 1,100 of them stay cheap).
  const forger = createSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://accounts.google.com', aud: AUDIENCE, email: EMAIL, email_verified: true, iat: now, exp: now + 3600 };
  const forged = () =>
    encodeJwt({ alg: 'RS256', kid: randomUUID(), typ: 'JWT' }, { ...claims, jti: randomUUID() }, rs256(forger.privateKey));
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  expect(fetches).toBe(1);

  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    statuses.push(...(await Promise.all(Array.from({ length: 100 }, () => deliver(forged()).then((r) => r.status)))));
  }
  expect(statuses).toHaveLength(1000);
  expect(new Set(statuses)).toEqual(new Set([401]));
  expect(fetches).toBe(2);
  expect(refetchLogs()).toEqual([
    expect.objectContaining({ severity: 'WARNING', certsRefetch: { url: GOOGLE_JWKS_URL, keys: 1, newKeys: 0 } }),
  ]);
  expect(runs).toHaveLength(1);

  // Once the cool-down has passed, the next unknown key id may look again, once.
  const start = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => start + KEYS_REFETCH_COOLDOWN_MS + 1000);
  for (let i = 0; i < 100; i++) expect((await deliver(forged())).status).toBe(401);
  expect(fetches).toBe(3);
});

test('the cool-down after a refetch for a forged key id delays a real rotation by at most that long', async () => {
  const forger = createSigningKey();
  expect((await deliver(tokenBy({ ...forger, kid: 'made-up' }))).status).toBe(401);
  expect(fetches).toBe(2);
  const rotated = createSigningKey('key-2026-12');
  published = [...published, rotated];
  // Within the cool-down: refused (Cloud Tasks retries a 401 with backoff), without a fetch.
  expect((await deliver(tokenBy(rotated))).status).toBe(401);
  expect(fetches).toBe(2);
  const start = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => start + KEYS_REFETCH_COOLDOWN_MS + 1000);
  expect((await deliver(tokenBy(rotated))).status).toBe(200);
  expect(fetches).toBe(3);
});

test('a refetch that fails answers 503 (Cloud Tasks retries), and the cached certs still verify', async () => {
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  // A 404: the verifier does not retry within a request (Cloud Tasks retries the 503).
  server.use(http.get(GOOGLE_JWKS_URL, () => HttpResponse.json({ error: 'gone' }, { status: 404 })));
  const rotated = createSigningKey('key-2026-12');
  expect((await deliver(tokenBy(rotated))).status).toBe(503);
  expect(logs.some((entry) => entry.severity === 'WARNING' && /could not be refetched/.test(entry.message))).toBe(true);
  expect((await deliver(tokenBy(published[0]))).status).toBe(200);
  server.resetHandlers();
});
