/**
 * Hostile requests over real HTTP to the production build (`next start`), written byte by byte:
 * huge headers, chunked bodies past the cap, lying or conflicting lengths, non-UTF-8 and
 * prototype-pollution bodies with a valid token. Every one carries a greeting named "Hostile-…":
 * none may be recorded, the server's built-in prototypes must not change (a probe inside the
 * server process reports them), and the server must still serve a real task afterwards.
 * Tokens are verified in emulator mode against a loopback certs server, as in
 * test/integration/production-build.test.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import type { RunningServer } from '../helpers/next-server';
import { startSignedApp, type SignedApp } from '../helpers/signed-app';
import { rawHttp } from './support/raw-http';
import { HOSTILE_ENVELOPES } from './support/hostile-envelopes';

jest.setTimeout(240_000);

const probeFile = join(mkdtempSync(join(tmpdir(), 'proto-probe-')), 'probe.json');
let signed: SignedApp;
let app: RunningServer;
let baseline: string;

const probe = () => JSON.parse(readFileSync(probeFile, 'utf8')) as { now: string; at: number };
/** The probe's fingerprint written after `since` (it writes every 100 ms). */
async function fingerprintAfter(since: number): Promise<string> {
  for (;;) {
    const { now, at } = probe();
    if (at > since) return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  signed = await startSignedApp({
    env: {
      PROTOTYPE_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--require ${join(__dirname, 'support/prototype-probe.cjs')}`,
    },
  });
  app = signed.app;
  validToken = await signed.token();
  // Warm the route (first request compiles nothing in production, but loads the route's modules).
  await postGreeting('Warmup');
  baseline = await fingerprintAfter(Date.now());
});

afterAll(async () => {
  await signed?.stop();
});

let validToken: string;
const token = () => validToken;
const PATH = '/_ah/queue/deferred/demo.greet';
let hostileCount = 0;
const hostileBody = () => Buffer.from(encodeEnvelope('demo.greet', [`Hostile-${++hostileCount}`, new Date()]));

function postGreeting(name: string) {
  return fetch(app.url + PATH, {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
    body: encodeEnvelope('demo.greet', [name, new Date()]),
  });
}

function head(lines: string[]): string {
  return [
    `POST ${PATH} HTTP/1.1`,
    `Host: 127.0.0.1:${app.port}`,
    `Authorization: Bearer ${token()}`,
    'Content-Type: application/json',
    ...lines,
    '',
    '',
  ].join('\r\n');
}

test("a 32 KiB header (twice Node's limit): 431 from the HTTP server, before the handler", async () => {
  // Not much larger: bytes the server never reads make its kernel reset the connection, and a
  // reset can discard the 431 before the client reads it.
  const { statuses } = await rawHttp(app.port, [
    head([`X-Filler: ${'a'.repeat(32 * 1024)}`, 'Content-Length: 10', 'Connection: close']) + '{"json":1}',
  ]);
  expect(statuses).toEqual([431]);
});

test('3,000 headers: refused or ignored, never a crash', async () => {
  const many = Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}`);
  const body = hostileBody();
  const { statuses } = await rawHttp(app.port, [head([...many, `Content-Length: ${body.length}`, 'Connection: close']), body]);
  // Node keeps the first 2,000 headers; past its 16 KiB header limit the answer is 431.
  expect(statuses).toEqual([431]);
});

test('a chunked body past the 1 MiB cap: 413, and the server stops reading', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  const parts = [head(['Transfer-Encoding: chunked', 'Connection: close']), ...Array.from({ length: 40 }, () => frame), '0\r\n\r\n'];
  const { statuses } = await rawHttp(app.port, parts);
  expect(statuses).toEqual([413]);
});

test('a declared Content-Length past the cap: 413 before any body byte is read', async () => {
  const { statuses } = await rawHttp(app.port, [head([`Content-Length: ${2 * 1024 * 1024}`, 'Connection: close'])], 3000);
  expect(statuses).toEqual([413]);
});

test('a Content-Length shorter than the body: the cut body never runs, the rest is not a second request', async () => {
  const body = hostileBody();
  const { statuses } = await rawHttp(app.port, [head([`Content-Length: ${body.length - 20}`]), body]);
  // The 20 leftover bytes are parsed as a second request: garbage, 400, and Node closes the
  // connection (the truncated first one, if answered in time, can never decode: 200, dead-lettered).
  expect(statuses.at(-1)).toBe(400);
  expect(statuses.every((s) => s === 200 || s === 400)).toBe(true);
});

test('Content-Length and Transfer-Encoding together (request smuggling): 400', async () => {
  const body = hostileBody();
  const chunked = `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n0\r\n\r\n`;
  const { statuses } = await rawHttp(app.port, [head(['Content-Length: 4', 'Transfer-Encoding: chunked', 'Connection: close']), chunked]);
  expect(statuses).toEqual([400]);
});

test.each(HOSTILE_ENVELOPES.filter(([, , body]) => typeof body !== 'string' || body.length < 100_000))(
  'over HTTP with a valid token: %s -> %i',
  async (_name, status, body) => {
    const bytes = Buffer.from(body);
    const { statuses } = await rawHttp(app.port, [head([`Content-Length: ${bytes.length}`, 'Connection: close']), bytes]);
    expect(statuses).toEqual([status]);
  },
);

test('after the battery: no hostile greeting ran, the prototypes are unchanged, and a real task still runs', async () => {
  const since = Date.now();
  expect(await fingerprintAfter(since)).toBe(baseline);
  expect((await postGreeting('AfterBattery')).status).toBe(200);
  const names = ((await (await fetch(`${app.url}/api/greetings`)).json()) as { name: string }[]).map((g) => g.name);
  expect(names).toContain('AfterBattery');
  expect(names.filter((n) => n.startsWith('Hostile'))).toEqual([]);
  expect(hostileCount).toBeGreaterThan(0);
});
