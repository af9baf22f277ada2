import { createHmac } from 'node:crypto';
import { setupServer } from 'msw/node';
import { createManifest, deferrable, handleDeferredRequest, type LogEntry, type CloudTasksOptions } from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { createSigningKey, encodeJwt, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { setupTestOptions } from 'next-cloud-tasks/testing';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const config: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };

const googleKey = createSigningKey('google-key-1');
const strangerKey = createSigningKey('stranger-key');
let certFetches = 0;
const server = setupServer(googleCertsHandler([googleKey], { onRequest: () => certFetches++ }));

const runs: unknown[][] = [];
const record = deferrable('test.record', (...args: unknown[]) => {
  runs.push(args);
});
const manifest = createManifest([record]);
const logs: LogEntry[] = [];

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  runs.length = 0;
  logs.length = 0;
});

const now = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({ aud: AUDIENCE, email: EMAIL });

async function post(authorization?: string | Promise<string>): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (authorization !== undefined) headers.set('authorization', await authorization);
  return handleDeferredRequest(
    new Request('http://localhost:3000/_ah/queue/deferred/test.record', {
      method: 'POST',
      headers,
      body: encodeEnvelope('test.record', ['hello']),
    }),
    { manifest, config },
  );
}

const bearer = async (token: string | Promise<string>) => `Bearer ${await token}`;

test('a valid token runs the function', async () => {
  const response = await post(bearer(signIdToken(googleKey, validClaims())));
  expect(response.status).toBe(200);
  expect(runs).toEqual([['hello']]);
});

const payloadOf = async (token: Promise<string>) => JSON.parse(Buffer.from((await token).split('.')[1], 'base64url').toString());

const refused: [string, number, () => Promise<string> | string | undefined][] = [
  ['no Authorization header', 401, () => undefined],
  ['not a Bearer token', 401, () => `Basic ${Buffer.from('a:b').toString('base64')}`],
  ['an empty Bearer', 401, () => 'Bearer '],
  ['a malformed JWT', 401, () => bearer('not.a.jwt!')],
  ['two segments', 401, async () => bearer((await signIdToken(googleKey, validClaims())).split('.').slice(0, 2).join('.'))],
  [
    'alg: none',
    401,
    async () =>
      bearer(encodeJwt({ alg: 'none', kid: googleKey.kid }, { ...(await payloadOf(signIdToken(googleKey, validClaims()))) }, () => '')),
  ],
  [
    'HS256 signed with the public key',
    401,
    async () =>
      bearer(
        encodeJwt({ alg: 'HS256', kid: googleKey.kid }, await payloadOf(signIdToken(googleKey, validClaims())), (input) =>
          createHmac('sha256', googleKey.publicKeyPem).update(input).digest(),
        ),
      ),
  ],
  [
    'RS256 header but an HMAC signature',
    401,
    async () =>
      bearer(
        encodeJwt({ alg: 'RS256', kid: googleKey.kid }, await payloadOf(signIdToken(googleKey, validClaims())), (input) =>
          createHmac('sha256', googleKey.publicKeyPem).update(input).digest(),
        ),
      ),
  ],
  ['an unknown kid', 401, () => bearer(signIdToken(strangerKey, validClaims()))],
  ['a known kid signed by another key', 401, () => bearer(signIdToken({ ...strangerKey, kid: googleKey.kid }, validClaims()))],
  [
    'a bad signature',
    401,
    async () => {
      const [h, p, s] = (await signIdToken(googleKey, validClaims())).split('.');
      return bearer(`${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`);
    },
  ],
  [
    'a tampered payload',
    401,
    async () => {
      const [h, , s] = (await signIdToken(googleKey, validClaims())).split('.');
      const forged = Buffer.from(
        JSON.stringify({ ...(await payloadOf(signIdToken(googleKey, validClaims()))), email: 'attacker@evil.example' }),
      ).toString('base64url');
      return bearer(`${h}.${forged}.${s}`);
    },
  ],
  ['an expired token', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), iat: now() - 7200, exp: now() - 3600 }))],
  ['a token issued in the future', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), iat: now() + 3600, exp: now() + 7200 }))],
  ['a token not valid before an hour from now (nbf)', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), nbf: now() + 3600 }))],
  ['a token whose nbf is past the 300 s clock skew', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), nbf: now() + 330 }))],
  ['a token whose nbf is not a number', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), nbf: 'tomorrow' }))],
  ['a token without iat', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), iat: undefined }))],
  ['a token living longer than a day', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), exp: now() + 3 * 86400 }))],
  ['a wrong issuer', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), iss: 'https://evil.example' }))],
  [
    "the universe domain issuer (accepted by the library's default)",
    401,
    () => bearer(signIdToken(googleKey, { ...validClaims(), iss: 'googleapis.com' })),
  ],
  [
    "the emulator's issuer outside emulator mode",
    401,
    () => bearer(signIdToken(googleKey, { ...validClaims(), iss: 'https://cloud-tasks-emulator.local' })),
  ],
  ['a wrong audience', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), aud: 'https://other-app.example.com' }))],
  [
    'an audience with the task path (Cloud Tasks default)',
    401,
    () => bearer(signIdToken(googleKey, { ...validClaims(), aud: `${AUDIENCE}/_ah/queue/deferred/test.record` })),
  ],
  ['a token without audience', 401, () => bearer(signIdToken(googleKey, { ...validClaims(), aud: undefined as never }))],
  ['an email not allowed', 403, () => bearer(signIdToken(googleKey, { ...validClaims(), email: 'someone@gmail.com' }))],
  ['email_verified false', 403, () => bearer(signIdToken(googleKey, { ...validClaims(), email_verified: false }))],
  ['email_verified as the string "true"', 403, () => bearer(signIdToken(googleKey, { ...validClaims(), email_verified: 'true' as never }))],
  ['no email claim', 403, () => bearer(signIdToken(googleKey, { ...validClaims(), email: undefined as never }))],
];

test.each(refused)('refuses %s with %i, and runs nothing', async (_name, status, authorization) => {
  const response = await post(await authorization());
  expect(response.status).toBe(status);
  expect(runs).toEqual([]);
});

test('an nbf within the 300 s clock skew (a signer whose clock runs ahead) is accepted', async () => {
  expect((await post(bearer(signIdToken(googleKey, { ...validClaims(), nbf: now() + 240 })))).status).toBe(200);
  expect((await post(bearer(signIdToken(googleKey, { ...validClaims(), nbf: now() - 60 })))).status).toBe(200);
});

test('nothing about a refused token reaches the logs', async () => {
  const token = await signIdToken(googleKey, { ...validClaims(), aud: 'https://other-app.example.com' });
  await post(bearer(token));
  const logged = JSON.stringify(logs);
  expect(logs).toHaveLength(1);
  expect(logged).toContain('wrong audience');
  expect(logged).not.toContain(token.split('.')[1]);
  expect(logged).not.toContain(token.split('.')[2]);
});

test("Google's certs are fetched once and cached for their max-age", async () => {
  const before = certFetches;
  for (let i = 0; i < 5; i++) expect((await post(bearer(signIdToken(googleKey, { ...validClaims(), jti: String(i) })))).status).toBe(200);
  expect(certFetches - before).toBeLessThanOrEqual(1);
});

test('a verified token stays valid when repeated, and an allowed email is still required', async () => {
  const token = await signIdToken(googleKey, validClaims());
  expect((await post(bearer(token))).status).toBe(200);
  expect((await post(bearer(token))).status).toBe(200);
  const narrower = await handleDeferredRequest(
    new Request('http://localhost/_ah/queue/deferred/test.record', {
      method: 'POST',
      headers: { authorization: await bearer(token) },
      body: encodeEnvelope('test.record', []),
    }),
    { manifest, config: { audience: AUDIENCE, allowedEmails: ['other@my-project.iam.gserviceaccount.com'] } },
  );
  expect(narrower.status).toBe(403);
  expect(runs).toHaveLength(2);
});

test('a cached verdict counts only for the audience and certs it was verified against', async () => {
  const token = await signIdToken(googleKey, { ...validClaims(), jti: 'cached-once' });
  expect((await post(bearer(token))).status).toBe(200);
  const postWith = async (other: CloudTasksOptions) =>
    handleDeferredRequest(
      new Request('http://localhost/_ah/queue/deferred/test.record', {
        method: 'POST',
        headers: { authorization: await bearer(token) },
        body: encodeEnvelope('test.record', []),
      }),
      { manifest, config: other },
    );
  expect((await postWith({ ...config, audience: 'https://other-app.example.com' })).status).toBe(401);
  // Emulator mode trusts the emulator's certs (unreachable here): never Google's verdict from the cache.
  expect((await postWith({ ...config, emulatorHost: '127.0.0.1:9' })).status).toBe(503);
  expect(runs).toHaveLength(1);
});

test('unreachable certs answer 503 (retry) and run nothing', async () => {
  const isolatedConfig: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL], emulatorHost: '127.0.0.1:9' };
  const response = await handleDeferredRequest(
    new Request('http://localhost/_ah/queue/deferred/test.record', {
      method: 'POST',
      headers: { authorization: await bearer(signIdToken(googleKey, validClaims())) },
      body: encodeEnvelope('test.record', []),
    }),
    { manifest, config: isolatedConfig },
  );
  expect(response.status).toBe(503);
  expect(runs).toEqual([]);
});
