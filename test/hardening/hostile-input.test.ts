/**
 * Forged and broken tokens and requests against the handler in production mode (Google's certs,
 * served offline by msw), beyond the foundation's token list (test/deferred/handler-auth.test.ts):
 * tokens the real emulator signed, audiences that almost match, duplicate JSON keys, hostile
 * `kid`s, and prototype-pollution payloads in the superjson envelope. None may run a function or
 * change a built-in prototype. The same attacks over real HTTP: hostile-http.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { createManifest, deferrable, handleDeferredRequest, type CloudTasksOptions } from 'next-cloud-tasks';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { startEmulator } from 'next-cloud-tasks/emulator';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { createSigningKey, encodeJwt, rs256, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { ROOT } from '../helpers/next-server';
import { prototypeFingerprint } from './support/prototypes';
import { HOSTILE_ENVELOPES } from './support/hostile-envelopes';

const AUDIENCE = 'https://app-abc123-uc.a.run.app';
const EMAIL = 'tasks-invoker@my-project.iam.gserviceaccount.com';
const config: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };
const googleKey = createSigningKey('google-key');
const server = setupServer(googleCertsHandler([googleKey]));

const runs: unknown[][] = [];
const record = deferrable('test.record', (...args: unknown[]) => void runs.push(args));
const manifest = createManifest([record]);
const bearer = async (token: string | Promise<string>) => `Bearer ${await token}`;
const valid = (claims: Record<string, unknown> = {}) => signIdToken(googleKey, { aud: AUDIENCE, email: EMAIL, ...claims });
const now = () => Math.floor(Date.now() / 1000);
let emulatorToken: string;
let fingerprint: string;

/** A real token from the local emulator: it dispatches one task to a loopback server that keeps the Authorization header. */
async function tokenSignedByTheEmulator(): Promise<string> {
  let authorization = '';
  const capture: Server = createServer((req, res) => {
    authorization = req.headers.authorization ?? '';
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  const port = (capture.address() as { port: number }).port;
  const emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: join(ROOT, 'queue.yaml'), project: 'p', location: 'l' });
  try {
    const dispatched = new Promise((resolve) => emulator.events.once('task:success', resolve));
    await createCloudTasksTransport({ emulatorHost: emulator.hostPort }).createTask({
      project: 'p',
      location: 'l',
      queue: 'default',
      url: `http://127.0.0.1:${port}/_ah/queue/deferred/test.record`,
      headers: {},
      body: encodeEnvelope('test.record', []),
      // The production audience and the allowed email: only the key and issuer differ.
      oidcToken: { serviceAccountEmail: EMAIL, audience: AUDIENCE },
    });
    await dispatched;
  } finally {
    await emulator.stop();
    await new Promise((r) => capture.close(r));
  }
  return authorization.replace(/^Bearer /, '');
}

let restoreOptions: () => void;
beforeAll(async () => {
  emulatorToken = await tokenSignedByTheEmulator();
  server.listen({ onUnhandledFrame: 'error' } as never);
  fingerprint = prototypeFingerprint();
  restoreOptions = applyTestOptions({ logWriter: () => {} });
});
afterAll(() => {
  server.close();
  restoreOptions?.();
});
beforeEach(() => void (runs.length = 0));

async function deliver(
  pending: string | Promise<string> | undefined,
  body: BodyInit = encodeEnvelope('test.record', ['hostile']),
  headers: Record<string, string> = {},
) {
  const authorization = await pending;
  const request = new Request(`${AUDIENCE}/_ah/queue/deferred/test.record`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...headers },
    body,
  });
  return handleDeferredRequest(request, { manifest, config, deadLetter: () => {} });
}

const payloadOf = async (token: string | Promise<string>) => JSON.parse(Buffer.from((await token).split('.')[1], 'base64url').toString());
/** A JWT whose header or payload JSON is written by hand (duplicate keys), signed by `key`. */
function rawJwt(headerJson: string, payloadJson: string, key = googleKey): string {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${input}.${rs256(key.privateKey)(input).toString('base64url')}`;
}
const claimsJson = (extra = '') =>
  `{"iss":"https://accounts.google.com","aud":"${AUDIENCE}","email_verified":true,"sub":"1","iat":${now()},"exp":${now() + 3600}${extra}}`;

const hostileTokens: [string, 401 | 403, () => Promise<string> | string | undefined][] = [
  ['a token the local emulator signed, sent to a production handler', 401, () => bearer(emulatorToken)],
  [
    "the emulator's token with Google's issuer claimed (payload swapped, emulator signature kept)",
    401,
    async () => {
      const [h, , s] = emulatorToken.split('.');
      return bearer(
        `${h}.${Buffer.from(JSON.stringify({ ...(await payloadOf(emulatorToken)), iss: 'https://accounts.google.com' })).toString('base64url')}.${s}`,
      );
    },
  ],
  ['a token for another Cloud Run service of the project', 401, () => bearer(valid({ aud: 'https://other-service-abc123-uc.a.run.app' }))],
  ['the audience with a trailing slash', 401, () => bearer(valid({ aud: `${AUDIENCE}/` }))],
  ['the audience in upper case', 401, () => bearer(valid({ aud: AUDIENCE.toUpperCase() }))],
  ['the audience over http', 401, () => bearer(valid({ aud: AUDIENCE.replace('https:', 'http:') }))],
  ['an audience array holding the audience', 401, () => bearer(valid({ aud: [AUDIENCE, 'https://evil.example'] as never }))],
  [
    'a header with duplicate alg (none, then RS256), unsigned',
    401,
    () =>
      bearer(
        `${Buffer.from('{"alg":"none","alg":"RS256","kid":"google-key"}').toString('base64url')}.${Buffer.from(claimsJson(`,"email":"${EMAIL}"`)).toString('base64url')}.`,
      ),
  ],
  [
    'duplicate email claims, the allowed one last, signed by a stranger',
    401,
    () =>
      bearer(
        rawJwt(
          '{"alg":"RS256","kid":"google-key"}',
          claimsJson(`,"email":"x@evil.example","email":"${EMAIL}"`),
          createSigningKey('google-key'),
        ),
      ),
  ],
  [
    'duplicate email claims, a stranger last, signed by the trusted key',
    403,
    () => bearer(rawJwt('{"alg":"RS256","kid":"google-key"}', claimsJson(`,"email":"${EMAIL}","email":"x@evil.example"`))),
  ],
  ['kid "__proto__"', 401, () => bearer(signIdToken({ ...googleKey, kid: '__proto__' }, { aud: AUDIENCE, email: EMAIL }))],
  ['kid "constructor"', 401, () => bearer(signIdToken({ ...googleKey, kid: 'constructor' }, { aud: AUDIENCE, email: EMAIL }))],
  [
    'kid as a path (../../etc/passwd)',
    401,
    () => bearer(signIdToken({ ...googleKey, kid: '../../etc/passwd' }, { aud: AUDIENCE, email: EMAIL })),
  ],
  [
    'kid as an object',
    401,
    async () => bearer(encodeJwt({ alg: 'RS256', kid: { toString: 'google-key' } }, await payloadOf(valid()), rs256(googleKey.privateKey))),
  ],
  ['email as an array holding the allowed email', 403, () => bearer(valid({ email: [EMAIL] as never }))],
  ['email with trailing whitespace', 403, () => bearer(valid({ email: `${EMAIL} ` }))],
  ['email in another case', 403, () => bearer(valid({ email: EMAIL.toUpperCase() }))],
  ['exp as a non-numeric string', 401, () => bearer(valid({ exp: 'tomorrow' as never }))],
  ['two Bearer tokens in one header', 401, async () => `${await bearer(valid())}, ${await bearer(valid())}`],
  ['a 64 KiB token', 401, () => bearer(`${'a'.repeat(65536)}.${'b'.repeat(10)}.${'c'.repeat(10)}`)],
  ['a token with a NUL-padded signature', 401, async () => bearer(`${await valid()}%00`)],
];

test.each(hostileTokens)('token: %s -> %i, nothing runs', async (_name, status, authorization) => {
  const response = await deliver(authorization());
  expect(response.status).toBe(status);
  expect(runs).toEqual([]);
  expect(prototypeFingerprint()).toBe(fingerprint);
});

test.each(HOSTILE_ENVELOPES)('envelope with a valid token: %s -> %i, nothing runs, no prototype changes', async (_name, status, body) => {
  const response = await deliver(bearer(valid()), body);
  expect(response.status).toBe(status);
  expect(runs).toEqual([]);
  expect(prototypeFingerprint()).toBe(fingerprint);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('an own "__proto__" key in the arguments reaches the function as plain data and pollutes nothing', async () => {
  const response = await deliver(
    bearer(valid()),
    '{"json":{"v":1,"fn":"test.record","args":[{"__proto__":{"isAdmin":true}}],"enqueuedAt":1}}',
  );
  expect(response.status).toBe(200);
  expect(runs).toHaveLength(1);
  const [arg] = runs[0] as [Record<string, unknown>];
  expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
  expect(prototypeFingerprint()).toBe(fingerprint);
});

test('200,000 nested arrays in a valid task are answered within the contract, and the handler survives', async () => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const response = await deliver(bearer(valid()), `{"json":{"v":1,"fn":"test.record","args":[${deep}],"enqueuedAt":1}}`);
  // Valid JSON with a valid token: the function gets it (plain data); nothing else may happen.
  expect(response.status).toBe(200);
  expect(runs).toHaveLength(1);
  runs.length = 0; // a 200,000-deep array is too deep for jest's printer
  expect(prototypeFingerprint()).toBe(fingerprint);
});

test('the battery is real: the same handler runs a well-formed task with a valid token', async () => {
  expect((await deliver(bearer(valid()))).status).toBe(200);
  expect(runs).toEqual([['hostile']]);
});
