/**
 * OIDC: every dispatch of a task with oidcToken carries a token that verifies against the
 * emulator's keys as Google's verify against Google's: with jose and its JWK set (the handler's
 * way), and with google-auth-library and its PEM certs (what other clients may use).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { OAuth2Client } from 'google-auth-library';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { EMULATOR_ISSUER, EMULATOR_JWKS_PATH, EMULATOR_OIDC_DISCOVERY_PATH, EMULATOR_PEM_CERTS_PATH } from '@/lib/src/contract/issuers';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

const EMAIL = 'deferred-tasks@test-project.iam.gserviceaccount.com';
let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-oidc-'));
  emulator = await startEmulator({ port: 0, data: join(dir, 'state.sqlite') });
  client = await emulatorClient(emulator.hostPort);
  target = await startTargetServer();
  await client.createQueue({ parent: PARENT, queue: { name: queuePath('oidc') } });
});

afterAll(async () => {
  await client.close();
  await emulator.stop();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

function verifier(emulatorUrl: string): OAuth2Client {
  return new OAuth2Client({
    issuers: [EMULATOR_ISSUER],
    endpoints: { oauth2FederatedSignonPemCertsUrl: `${emulatorUrl}${EMULATOR_PEM_CERTS_PATH}` },
    transporterOptions: { fetchImplementation: (url: any, init: any) => globalThis.fetch(url, init) },
  } as ConstructorParameters<typeof OAuth2Client>[0]);
}

async function dispatchedToken(path: string, audience?: string): Promise<string> {
  const before = target.received.length;
  await client.createTask({
    parent: queuePath('oidc'),
    task: {
      httpRequest: {
        url: `${target.url}${path}`,
        httpMethod: 'POST',
        oidcToken: { serviceAccountEmail: EMAIL, ...(audience ? { audience } : {}) },
      },
    },
  });
  const [request] = (await target.waitFor(before + 1)).slice(before);
  const authorization = request.headers.authorization ?? '';
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  return authorization.slice('Bearer '.length);
}

test("the token verifies with google-auth-library against the emulator's PEM certs, with Google's claims", async () => {
  const token = await dispatchedToken('/verified', 'https://app.example/_ah/queue/deferred');
  const ticket = await verifier(emulator.url).verifyIdToken({ idToken: token, audience: 'https://app.example/_ah/queue/deferred' });
  const payload = ticket.getPayload()!;
  expect(payload).toMatchObject({
    iss: EMULATOR_ISSUER,
    aud: 'https://app.example/_ah/queue/deferred',
    email: EMAIL,
    sub: EMAIL,
    email_verified: true,
  });
  expect(payload.exp - payload.iat).toBe(3600);
  expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(600);
  const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
  expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
});

test("the token verifies with jose against the emulator's JWK set, found through its discovery document", async () => {
  const token = await dispatchedToken('/jose', 'https://app.example/_ah/queue/deferred');
  const discovery = (await (await fetch(`${emulator.url}${EMULATOR_OIDC_DISCOVERY_PATH}`)).json()) as { issuer: string; jwks_uri: string };
  expect(discovery).toMatchObject({ issuer: EMULATOR_ISSUER, jwks_uri: `${emulator.url}${EMULATOR_JWKS_PATH}` });
  const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    algorithms: ['RS256'],
    issuer: discovery.issuer,
    audience: 'https://app.example/_ah/queue/deferred',
  });
  expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
  expect(payload).toMatchObject({ email: EMAIL, email_verified: true });
  await expect(
    jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: discovery.issuer, audience: 'https://app.example/other' }),
  ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
});

test('without an audience, the audience is the task URL (as Google does)', async () => {
  const token = await dispatchedToken('/no-audience?x=1');
  const ticket = await verifier(emulator.url).verifyIdToken({ idToken: token, audience: `${target.url}/no-audience?x=1` });
  expect(ticket.getPayload()!.aud).toBe(`${target.url}/no-audience?x=1`);
});

test('a wrong audience is refused, so the check is real', async () => {
  const token = await dispatchedToken('/wrong', 'https://app.example/a');
  await expect(verifier(emulator.url).verifyIdToken({ idToken: token, audience: 'https://app.example/b' })).rejects.toThrow(/audience/i);
});

test("certs are served in Google's PEM and JWKS formats with the same key id", async () => {
  const pem = (await (await fetch(`${emulator.url}${EMULATOR_PEM_CERTS_PATH}`)).json()) as Record<string, string>;
  const jwksResponse = await fetch(`${emulator.url}${EMULATOR_JWKS_PATH}`);
  expect(jwksResponse.headers.get('cache-control')).toMatch(/max-age=\d+/);
  const jwks = (await jwksResponse.json()) as { keys: { kid: string; kty: string; alg: string; n: string; e: string }[] };
  const [kid] = Object.keys(pem);
  expect(pem[kid]).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  expect(jwks.keys).toEqual([expect.objectContaining({ kid, kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' })]);
});

test('the signing key survives a restart on the same data file, so cached certs stay valid', async () => {
  const token = await dispatchedToken('/before-restart', 'aud-1');
  const kidBefore = Object.keys(await (await fetch(`${emulator.url}${EMULATOR_PEM_CERTS_PATH}`)).json());
  const file = emulator.options.data;
  await emulator.stop();
  emulator = await startEmulator({ port: 0, data: file });
  const kidAfter = Object.keys(await (await fetch(`${emulator.url}${EMULATOR_PEM_CERTS_PATH}`)).json());
  expect(kidAfter).toEqual(kidBefore);
  await expect(verifier(emulator.url).verifyIdToken({ idToken: token, audience: 'aud-1' })).resolves.toBeDefined();
  await client.close();
  client = await emulatorClient(emulator.hostPort);
});
