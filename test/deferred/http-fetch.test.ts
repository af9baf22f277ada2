/**
 * httpFetch, the fetch the Cloud Tasks client's REST calls go through (node:http, not the global
 * fetch: docs/transport.md), against a real loopback server; and the clients createCloudTasksClient
 * makes, for the emulator and for Google's endpoint, sending through it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createCloudTasksClient } from '@/lib/src/contract/cloud-tasks-client';
import { httpFetch } from '@/lib/src/contract/http-fetch';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received.length = 0;
  answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
afterEach(() => jest.restoreAllMocks());

describe('httpFetch', () => {
  test('sends the method, headers and body, and answers a Response with the status, headers and bytes', async () => {
    answer = (_req, res) =>
      res
        .writeHead(201, 'Made', [
          ['x-a', '1'],
          ['x-a', '2'],
          ['content-type', 'application/json'],
        ])
        .end('{"name":"t"}');
    const response = await httpFetch(`${base}/v2/tasks?alt=json`, {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', 'x-goog-api-client': 'gax' }),
      body: '{"task":{}}',
    });
    expect(received).toEqual([expect.objectContaining({ method: 'POST', url: '/v2/tasks?alt=json', body: '{"task":{}}' })]);
    expect(received[0].headers).toMatchObject({ 'content-type': 'application/json', 'x-goog-api-client': 'gax', 'content-length': '11' });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Made', true]);
    expect(response.headers.get('x-a')).toBe('1, 2');
    expect(await response.json()).toEqual({ name: 't' });
  });

  test('sends bytes, and keeps the connection for the next call', async () => {
    await httpFetch(`${base}/a`, { method: 'POST', body: Buffer.from('bytes') });
    await httpFetch(`${base}/b`, { method: 'DELETE' });
    expect(received.map((r) => [r.method, r.body])).toEqual([
      ['POST', 'bytes'],
      ['DELETE', ''],
    ]);
    expect(received.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive']);
  });

  test('an error status is a Response too (the client decodes it), and a 204 has no body', async () => {
    answer = (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404}}');
    const missing = await httpFetch(`${base}/x`);
    expect([missing.status, missing.ok, await missing.json()]).toEqual([404, false, { error: { code: 404 } }]);
    answer = (_req, res) => res.writeHead(204).end();
    const empty = await httpFetch(`${base}/x`, { method: 'DELETE' });
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  test('decodes a gzip answer', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"zipped":true}'));
    expect(await (await httpFetch(`${base}/x`)).json()).toEqual({ zipped: true });
  });

  test('a gzip answer cut short rejects, instead of waiting for the rest', async () => {
    answer = (_req, res) => {
      const zipped = gzipSync('{"zipped":true}'.repeat(1000));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': zipped.length });
      res.write(zipped.subarray(0, 20));
      setTimeout(() => res.destroy(), 20);
    };
    await expect(httpFetch(`${base}/cut`)).rejects.toThrow();
  });

  test('an aborted call rejects with the signal’s reason, as fetch does', async () => {
    answer = () => {}; // never answers
    await expect(httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test("encodes other bodies as fetch does: a token request's form, with its content type", async () => {
    await httpFetch(`${base}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r' }) });
    expect(received[0].body).toBe('grant_type=refresh_token&refresh_token=r');
    expect(received[0].headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  test('refuses a scheme it does not speak, naming it', async () => {
    await expect(httpFetch('ftp://127.0.0.1/x')).rejects.toThrow('httpFetch speaks http: and https:, not ftp: (ftp://127.0.0.1/x)');
  });
});

describe('the Cloud Tasks clients send through httpFetch, not the global fetch', () => {
  const parent = 'projects/p/locations/us-central1/queues/q';
  const task = { httpRequest: { url: 'https://app.example.com/_ah/queue/deferred/x', httpMethod: 'POST' as const } };

  test("the emulator's client: a real CreateTask to a loopback server", async () => {
    const globalFetch = jest.spyOn(globalThis, 'fetch');
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: `${parent}/tasks/1` }));
    const client = await createCloudTasksClient(base.replace('http://', ''));
    try {
      const [created] = await client.createTask({ parent, task });
      expect(created.name).toBe(`${parent}/tasks/1`);
    } finally {
      await client.close();
    }
    expect(received).toEqual([expect.objectContaining({ method: 'POST', url: expect.stringMatching(`^/v2/${parent}/tasks`) })]);
    expect(JSON.parse(received[0].body)).toMatchObject({ task: { httpRequest: { url: task.httpRequest.url } } });
    expect(globalFetch).not.toHaveBeenCalled();
  });

  test("Google's client with real credentials: the token and the CreateTask both go through it, and msw sees them", async () => {
    const seen: string[] = [];
    const msw = setupServer(
      http.post('https://oauth2.googleapis.com/token', async ({ request }) => {
        seen.push(`token ${new URLSearchParams(await request.text()).get('refresh_token')}`);
        return HttpResponse.json({ access_token: 'ya29.test', expires_in: 3600, token_type: 'Bearer' });
      }),
      http.post(`https://cloudtasks.googleapis.com/v2/${parent}/tasks`, ({ request }) => {
        seen.push(`createTask ${request.headers.get('authorization')}`);
        return HttpResponse.json({ name: `${parent}/tasks/2` });
      }),
    );
    msw.listen({ onUnhandledFrame: 'error' } as never);
    const globalFetch = jest.spyOn(globalThis, 'fetch');
    // Application default credentials from a file, found as in production: a user's refresh token,
    // which google-auth-library exchanges for an access token on the first call.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'adc-')), 'credentials.json');
    writeFileSync(keyFile, JSON.stringify({ type: 'authorized_user', client_id: 'id', client_secret: 'secret', refresh_token: 'refresh' }));
    // The project set, so google-auth-library looks for it nowhere else (gcloud, the metadata server).
    const savedEnv = { ...process.env };
    Object.assign(process.env, { GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: 'p' });
    const client = await createCloudTasksClient(undefined);
    try {
      const [created] = await client.createTask({ parent, task });
      expect(created.name).toBe(`${parent}/tasks/2`);
    } finally {
      await client.close();
      msw.close();
      process.env = savedEnv;
      rmSync(dirname(keyFile), { recursive: true, force: true });
    }
    expect(seen).toEqual(['token refresh', 'createTask Bearer ya29.test']);
    expect(globalFetch).not.toHaveBeenCalled();
  });
});
