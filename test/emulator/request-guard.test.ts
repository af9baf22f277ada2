/**
 * What a browser's request from elsewhere gets, sent by hand with exactly the headers a browser
 * would send (test/e2e/cross-site.test.ts does it from a real chromium): every write refused,
 * the state unchanged. And what clients that are not browsers get: the Cloud Tasks client, the
 * queue CLI, curl and gcloud work as before.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { runCli } from '../queues/support/cli-runner';
import { emulatorClient } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

const run = promisify(execFile);
const PARENT = 'projects/dev-project/locations/us-central1';
const QUEUE = `${PARENT}/queues/guarded`;
let dir: string;
let emulator: EmulatorHandle;
let target: TargetServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-guard-'));
  emulator = await startEmulator({ port: 0, data: join(dir, 'state.sqlite') });
  target = await startTargetServer();
  await send('POST', `/v2/${PARENT}/queues`, JSON.stringify({ name: QUEUE }), { 'content-type': 'application/json' });
  await send('POST', `/v2/${QUEUE}:pause`, '{}', { 'content-type': 'application/json' });
  const created = await send(
    'POST',
    `/v2/${QUEUE}/tasks`,
    JSON.stringify({ task: { name: `${QUEUE}/tasks/kept`, httpRequest: { url: `${target.url}/kept` } } }),
    { 'content-type': 'application/json' },
  );
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await emulator?.stop();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: node:http sends exactly these headers, as a browser would (no fetch defaults). */
function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${emulator.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A create aimed at the target; the target's URL is filled in when sent (test.each lists are built before beforeAll). */
const createBody = (path: string) => JSON.stringify({ task: { httpRequest: { url: `@TARGET@${path}` } } });
const withTarget = (body: string | undefined) => body?.replace('@TARGET@', target.url);
const formToken = async () => /name="token" value="([\w-]+)"/.exec((await send('GET', '/')).body)![1];
const form = (fields: Record<string, string>) => new URLSearchParams({ back: '/', ...fields }).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The queue's state and its tasks: what an attack must leave as it was. */
async function snapshot() {
  const queue = JSON.parse((await send('GET', `/v2/${QUEUE}`)).body);
  const tasks = JSON.parse((await send('GET', `/v2/${QUEUE}/tasks`)).body);
  return {
    state: queue.state,
    tasks: (tasks.tasks ?? []).map((task: { name: string; dispatchCount: number }) => [task.name, task.dispatchCount]),
  };
}

const own = () => `http://${emulator.hostPort}`;

/** [what, method, path, body, headers]: writes a browser on another page can be made to send. */
const browserWrites = (): [string, string, string, string | undefined, Record<string, string>][] => [
  [
    'a text/plain create with Origin: null (sandboxed iframe, data: URL)',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { origin: 'null', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
  ],
  [
    'a JSON create with Origin: null and no Sec-Fetch-Site (an older browser)',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { origin: 'null', 'content-type': 'application/json' },
  ],
  [
    'a create from another loopback port (same-site)',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { origin: 'http://127.0.0.1:1', 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
  ],
  [
    'a create from a foreign origin',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { origin: 'https://evil.example', 'content-type': 'text/plain' },
  ],
  [
    'a create with no Origin but Sec-Fetch-Site: cross-site',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
  ],
  [
    'a create with no Origin but Sec-Fetch-Site: same-site',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
  ],
  [
    'a create with an Origin that only looks like the emulator (https)',
    'POST',
    `/v2/${QUEUE}/tasks`,
    createBody('/pwn'),
    { origin: 'https://@OWN@', 'content-type': 'application/json' },
  ],
  ['a run from Origin: null', 'POST', `/v2/${QUEUE}/tasks/kept:run`, '{}', { origin: 'null', 'content-type': 'application/json' }],
  [
    'a resume from another site',
    'POST',
    `/v2/${QUEUE}:resume`,
    '{}',
    { origin: 'http://localhost:1', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
  ],
  ['a purge from Origin: null', 'POST', `/v2/${QUEUE}:purge`, '', { origin: 'null', 'content-type': 'text/plain' }],
  ['a delete from Origin: null', 'DELETE', `/v2/${QUEUE}/tasks/kept`, undefined, { origin: 'null' }],
  ['a patch from Origin: null', 'PATCH', `/v2/${QUEUE}`, '{"state":"RUNNING"}', { origin: 'null', 'content-type': 'application/json' }],
  [
    'a CORS preflight for a JSON create',
    'OPTIONS',
    `/v2/${QUEUE}/tasks`,
    undefined,
    {
      origin: 'http://127.0.0.1:1',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
      'sec-fetch-site': 'same-site',
    },
  ],
];

test.each(browserWrites())('%s is refused (403 PERMISSION_DENIED), with no CORS granted', async (_what, method, path, body, headers) => {
  const before = await snapshot();
  const filled = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('@OWN@', emulator.hostPort)]));
  const answer = await send(method, path, withTarget(body), filled);
  expect(answer.status).toBe(403);
  expect(JSON.parse(answer.body)).toEqual({
    error: { code: 403, status: 'PERMISSION_DENIED', message: expect.stringMatching(/may not change the emulator's state/) },
  });
  expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await snapshot()).toEqual(before);
  expect(target.received).toEqual([]);
});

test.each([
  ['text/plain (a form or a no-cors fetch)', { 'content-type': 'text/plain' }, /got "text\/plain"/],
  [
    'application/x-www-form-urlencoded (curl -d, an HTML form)',
    { 'content-type': 'application/x-www-form-urlencoded' },
    /got "application\/x-www-form-urlencoded"/,
  ],
  ['multipart/form-data', { 'content-type': 'multipart/form-data; boundary=x' }, /got "multipart\/form-data; boundary=x"/],
  ['no Content-Type at all', {}, /got none/],
  ['text/plain that mentions application/json', { 'content-type': 'text/plain; application/json' }, /got "text\/plain; application\/json"/],
])('a REST write with %s is refused (400 INVALID_ARGUMENT), even with no Origin', async (_what, headers, got) => {
  const answer = await send('POST', `/v2/${QUEUE}/tasks`, withTarget(createBody('/plain')), headers);
  expect(answer.status).toBe(400);
  const { error } = JSON.parse(answer.body);
  expect(error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  expect(error.message).toMatch(/must be sent with "Content-Type: application\/json".*curl: -H 'Content-Type: application\/json'/);
  expect(error.message).toMatch(got);
  expect(target.received).toEqual([]);
});

test("the emulator's own origin, or no browser headers at all, may write JSON", async () => {
  const ownPage = await send(
    'POST',
    `/v2/${QUEUE}/tasks`,
    JSON.stringify({ task: { name: `${QUEUE}/tasks/own`, httpRequest: { url: `${target.url}/own` } } }),
    {
      origin: own(),
      'sec-fetch-site': 'same-origin',
      'content-type': 'Application/JSON; charset=utf-8',
    },
  );
  expect(ownPage.status).toBe(200);
  const tool = await send('DELETE', `/v2/${QUEUE}/tasks/own`);
  expect(tool.status).toBe(200);
  // Reads are never refused for their origin: a page cannot read the answer anyway (no CORS).
  expect((await send('GET', `/v2/${QUEUE}`, undefined, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
});

describe('dashboard actions', () => {
  test("need this start's form token: none, a wrong one, or one from another page is refused", async () => {
    const token = await formToken();
    const fieldSets: Record<string, string>[] = [
      {},
      { token: 'x' },
      { token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') },
      { token: `${token}x` },
    ];
    for (const fields of fieldSets) {
      const answer = await send('POST', '/_emulator/actions/queue-resume', form({ name: QUEUE, ...fields }), FORM);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.message).toMatch(/no valid token.*Reload the dashboard/);
    }
    expect((await snapshot()).state).toBe('PAUSED');
  });

  test('with the token but from another page (Origin null, same-site) is still refused', async () => {
    const token = await formToken();
    const foreign: Record<string, string>[] = [{ origin: 'null' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://127.0.0.1:1' }];
    for (const headers of foreign) {
      const answer = await send('POST', '/_emulator/actions/task-delete', form({ name: `${QUEUE}/tasks/kept`, token }), {
        ...FORM,
        ...headers,
      });
      expect(answer.status).toBe(403);
    }
    expect((await snapshot()).tasks).toEqual([[`${QUEUE}/tasks/kept`, 0]]);
  });

  test('from the dashboard itself (own Origin, same-origin, token) they work', async () => {
    const token = await formToken();
    const answer = await send('POST', '/_emulator/actions/queue-resume', form({ name: QUEUE, token }), {
      ...FORM,
      origin: own(),
      'sec-fetch-site': 'same-origin',
    });
    expect(answer.status).toBe(303);
    expect((await snapshot()).state).toBe('RUNNING');
    await target.waitFor(1);
    expect(target.received.map((r) => r.path)).toEqual(['/kept']);
    target.received.length = 0;
    const pause = await send('POST', '/_emulator/actions/queue-pause', form({ name: QUEUE, token }), FORM);
    expect(pause.status).toBe(303);
    expect((await snapshot()).state).toBe('PAUSED');
  });

  test('a token from before a restart is refused: each start makes a new one', async () => {
    const before = await formToken();
    const file = emulator.options.data;
    await emulator.stop();
    emulator = await startEmulator({ port: 0, data: file });
    const after = await formToken();
    expect(after).not.toBe(before);
    const stale = await send('POST', '/_emulator/actions/queue-resume', form({ name: QUEUE, token: before }), FORM);
    expect(stale.status).toBe(403);
    expect((await snapshot()).state).toBe('PAUSED');
  });
});

test('every response forbids framing and sniffing: the page, a redirect, a refusal, the API, the certs, a 404', async () => {
  const token = await formToken();
  const answers = [
    await send('GET', '/'),
    await send('GET', '/', undefined, { 'x-dashboard-fragment': '1' }),
    await send('POST', '/_emulator/actions/queue-pause', form({ name: QUEUE, token }), FORM),
    await send('POST', '/_emulator/actions/queue-pause', form({ name: QUEUE }), FORM),
    await send('POST', `/v2/${QUEUE}:pause`, '{}', { origin: 'null' }),
    await send('GET', `/v2/${QUEUE}`),
    await send('GET', '/oauth2/v1/certs'),
    await send('GET', '/nothing-here'),
  ];
  expect(answers.map((a) => a.status)).toEqual([200, 200, 303, 403, 403, 200, 200, 404]);
  for (const answer of answers) {
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  }
  // The page itself runs only its own script and style (by hash), and talks only to itself.
  expect(answers[0].headers['content-security-policy']).toMatch(
    /^default-src 'none'; style-src 'sha256-[\w+/=]+'; script-src 'sha256-[\w+/=]+'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
  );
});

describe('clients that are not browsers work unchanged', () => {
  let client: CloudTasksClient;
  beforeAll(async () => {
    client = await emulatorClient(emulator.hostPort);
  });
  afterAll(async () => client?.close());

  test('the Cloud Tasks client (REST mode) creates, runs, deletes, pauses, resumes and purges', async () => {
    const queue = `${PARENT}/queues/client-ok`;
    await client.createQueue({ parent: PARENT, queue: { name: queue } });
    await client.pauseQueue({ name: queue });
    const [task] = await client.createTask({
      parent: queue,
      task: { httpRequest: { url: `${target.url}/by-client`, httpMethod: 'POST', body: Buffer.from('{}') } },
    });
    await client.runTask({ name: task.name! });
    await target.waitFor(1);
    expect(target.received.map((r) => r.path)).toEqual(['/by-client']);
    const [second] = await client.createTask({ parent: queue, task: { httpRequest: { url: `${target.url}/deleted` } } });
    await client.deleteTask({ name: second.name! });
    await client.createTask({ parent: queue, task: { httpRequest: { url: `${target.url}/purged` } } });
    await client.purgeQueue({ name: queue });
    const [resumed] = await client.resumeQueue({ name: queue });
    expect(resumed.state).toBe('RUNNING');
    const [tasks] = await client.listTasks({ parent: queue });
    expect(tasks).toEqual([]);
    target.received.length = 0;
  });

  test('the queue CLI applies a queue.yaml', async () => {
    const env = { CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort, GOOGLE_CLOUD_PROJECT: 'dev-project', CLOUD_TASKS_LOCATION: 'us-central1' };
    const applied = await runCli(['apply', '--file', join(__dirname, 'fixtures/queue.yaml')], env);
    expect(applied.stderr).not.toMatch(/error|denied|Content-Type/i);
    expect(applied.code).toBe(0);
    const [queue] = await client.getQueue({ name: `${PARENT}/queues/emails` });
    expect(queue.rateLimits?.maxDispatchesPerSecond).toBe(2);
  });

  test('curl with -H "Content-Type: application/json" works; without it, the error says what to add', async () => {
    const url = `${emulator.url}/v2/${PARENT}/queues/curl-made`;
    const ok = await run('curl', [
      '-sS',
      '-X',
      'PATCH',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"rateLimits":{"maxDispatchesPerSecond":3}}',
      url,
    ]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: `${PARENT}/queues/curl-made`, state: 'RUNNING' });
    const bare = await run('curl', ['-sS', '-X', 'POST', '-d', '{}', `${url}:pause`]);
    expect(JSON.parse(bare.stdout).error.message).toMatch(/"Content-Type: application\/json".*-H 'Content-Type: application\/json'/);
    const del = await run('curl', ['-sS', '-X', 'DELETE', url]);
    expect(JSON.parse(del.stdout)).toEqual({});
  });

  const gcloud = existsSync('/usr/bin/gcloud') || existsSync('/usr/local/bin/gcloud') ? test : test.skip;
  gcloud(
    'gcloud (no credentials, endpoint pointed at the emulator) creates, pauses and lists queues and tasks',
    async () => {
      const config = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
      const env = {
        ...process.env,
        CLOUDSDK_CONFIG: config,
        CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
        CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS: `${emulator.url}/`,
        CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      };
      const gc = (...args: string[]) => run('gcloud', [...args, '--project', 'dev-project', '--location', 'us-central1'], { env });
      try {
        await gc('tasks', 'queues', 'create', 'by-gcloud');
        await gc('tasks', 'queues', 'pause', 'by-gcloud');
        await gc('tasks', 'create-http-task', 'gt1', '--queue', 'by-gcloud', '--url', `${target.url}/by-gcloud`, '--method', 'POST');
        const listed = await gc('tasks', 'list', '--queue', 'by-gcloud', '--format', 'value(name)');
        expect(listed.stdout.trim()).toBe('gt1');
        const queues = await gc('tasks', 'queues', 'describe', 'by-gcloud', '--format', 'value(state)');
        expect(queues.stdout.trim()).toBe('PAUSED');
      } finally {
        rmSync(config, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
