/**
 * The one token check (handle/verify-token.ts) names why it refused a token with a typed failure,
 * from jose's error codes and the claim a check names, never from a message's wording: each
 * failure here is the one that check must report, with its status.
 */
import { createHmac } from 'node:crypto';
import { setupServer } from 'msw/node';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import type { HandlerConfig } from '@/lib/src/runtime/config';
import { verifyTaskToken, type TokenFailure } from '@/lib/src/handle/verify-token';
import { createSigningKey, encodeJwt, rs256, signIdToken } from '@/lib/src/testing/oidc-tokens';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const config: HandlerConfig = { audience: AUDIENCE, allowedEmails: [EMAIL] };
const key = createSigningKey('google-key');
const server = setupServer(googleCertsHandler([key]));

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({ aud: AUDIENCE, email: EMAIL, ...extra });
const sign = (extra: Record<string, unknown> = {}) => signIdToken(key, claims(extra));
const bearer = async (token: string | Promise<string>) => `Bearer ${await token}`;
const payloadOf = async () => JSON.parse(Buffer.from((await sign()).split('.')[1], 'base64url').toString()) as object;

const cases: [string, () => Promise<string | null> | string | null, TokenFailure, 401 | 403][] = [
  ['no Authorization header', () => null, 'missing', 401],
  ['a Basic credential', () => 'Basic YTpi', 'malformed', 401],
  ['not a JWT', () => 'Bearer not-a-jwt', 'malformed', 401],
  ['no key id', async () => `Bearer ${encodeJwt({ alg: 'RS256' }, await payloadOf(), rs256(key.privateKey))}`, 'malformed', 401],
  ['exp as a string', () => bearer(sign({ exp: 'tomorrow' })), 'malformed', 401],
  ['no iat', () => bearer(sign({ iat: undefined })), 'malformed', 401],
  ['alg none', async () => `Bearer ${encodeJwt({ alg: 'none', kid: key.kid }, await payloadOf(), () => '')}`, 'algorithm', 401],
  [
    'HS256 keyed with the public key',
    async () =>
      `Bearer ${encodeJwt({ alg: 'HS256', kid: key.kid }, await payloadOf(), (input) => createHmac('sha256', key.publicKeyPem).update(input).digest())}`,
    'algorithm',
    401,
  ],
  ['a key id Google does not publish', () => bearer(signIdToken(createSigningKey('unknown'), claims())), 'unknown-key', 401],
  ["Google's key id, another key's signature", () => bearer(signIdToken(createSigningKey(key.kid), claims())), 'signature', 401],
  ['expired past the clock skew', () => bearer(sign({ iat: now() - 7200, exp: now() - 301 })), 'expired', 401],
  ['nbf past the clock skew', () => bearer(sign({ nbf: now() + 301 })), 'not-yet-valid', 401],
  ['iat past the clock skew', () => bearer(sign({ iat: now() + 400, exp: now() + 3600 })), 'not-yet-valid', 401],
  ['living longer than a day', () => bearer(sign({ exp: now() + 86_400 + 60 })), 'lifetime', 401],
  ['another issuer', () => bearer(sign({ iss: 'https://issuer.example.com' })), 'issuer', 401],
  ['another audience', () => bearer(sign({ aud: 'https://another-app.example.com' })), 'audience', 401],
  ['an audience array that holds ours', () => bearer(sign({ aud: [AUDIENCE, 'https://another-app.example.com'] })), 'audience', 401],
  ['an account not allowed', () => bearer(sign({ email: 'someone@gmail.com' })), 'email', 403],
  ['no email', () => bearer(sign({ email: undefined })), 'email', 403],
  ['email_verified false', () => bearer(sign({ email_verified: false })), 'unverified-email', 403],
];

const titled = cases.map(([what, authorization, failure, status]) => [what, failure, status, authorization] as const);

test.each(titled)('%s: %s, %i, and the reason says nothing of the token', async (_what, failure, status, authorization) => {
  const header = await authorization();
  const verdict = await verifyTaskToken(header, config);
  expect(verdict).toEqual({ ok: false, failure, status, reason: expect.any(String) });
  for (const part of header?.replace(/^\w+ /, '').split('.') ?? [])
    if (part.length > 8) expect(JSON.stringify(verdict)).not.toContain(part);
});

test('a valid token: the account, within the clock skew at both ends', async () => {
  expect(await verifyTaskToken(await bearer(sign()), config)).toEqual({ ok: true, email: EMAIL });
  expect(await verifyTaskToken(await bearer(sign({ nbf: now() + 240, iat: now() + 240 })), config)).toEqual({ ok: true, email: EMAIL });
  expect(await verifyTaskToken(await bearer(sign({ iat: now() - 3600, exp: now() - 240 })), config)).toEqual({ ok: true, email: EMAIL });
});

test('keys that cannot be fetched: keys-unavailable, 503 (Cloud Tasks retries)', async () => {
  expect(await verifyTaskToken(await bearer(sign()), { ...config, emulatorHost: '127.0.0.1:9' })).toEqual({
    ok: false,
    failure: 'keys-unavailable',
    status: 503,
    reason: expect.any(String),
  });
});
