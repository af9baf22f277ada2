import { createHash } from 'node:crypto';
/**
 * The dashboard as a browser would get it (server-rendered HTML, POST forms), without a browser:
 * queues of queue.yaml, decoded tasks (escaped), and every action.
 */
import { join } from 'node:path';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { nextEvent } from './support/events';
import { startTargetServer, type TargetServer } from './support/target-server';
import { dashboardAction } from './support/dashboard-action';

const QUEUES = 'projects/dev-project/locations/us-central1/queues';
let emulator: EmulatorHandle;
let target: TargetServer;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: join(__dirname, 'fixtures/queue.yaml') });
  target = await startTargetServer((request) => (request.path.startsWith('/fail') ? { status: 500, body: 'Error: <b>boom</b>' } : {}));
});

afterAll(async () => {
  await emulator.stop();
  await target.close();
});

const page = async (path = '/') => (await fetch(`${emulator.url}${path}`)).text();
/** The part of `html` from `start` to the next `end`. */
const between = (html: string, start: string, end: string) => html.slice(html.indexOf(start), html.indexOf(end, html.indexOf(start)));

async function createTask(queue: string, id: string, body: Uint8Array | string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${emulator.url}/v2/${QUEUES}/${queue}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: {
        name: `${QUEUES}/${queue}/tasks/${id}`,
        httpRequest: { url: `${target.url}/${id}`, body: Buffer.from(body).toString('base64') },
        ...extra,
      },
    }),
  });
  expect(response.status).toBe(200);
}

const act = (action: string, name: string, headers: Record<string, string> = {}, token?: string) =>
  dashboardAction(emulator.url, action, name, { back: '/?queue=reports', headers, token });

test('lists the queues of queue.yaml with their settings and state', async () => {
  const html = await page();
  expect(html).toContain('<title>Cloud Tasks emulator</title>');
  for (const id of ['default', 'emails', 'reports']) expect(html).toContain(`data-queue="${id}"`);
  const emails = html.slice(html.indexOf('data-queue="emails"'), html.indexOf('</tr>', html.indexOf('data-queue="emails"')));
  expect(emails).toContain('2/s');
  expect(emails).toContain('burst 3, ≤ 2 at once');
  expect(emails).toContain('3 attempts');
  const reports = html.slice(html.indexOf('data-queue="reports"'), html.indexOf('</tr>', html.indexOf('data-queue="reports"')));
  expect(reports).toContain('PAUSED');
  expect(reports).toContain('>Resume</button>');
});

test("shows a deferred task's function id and decoded arguments, escaped", async () => {
  const body = encodeEnvelope('sendWelcomeEmail', [{ to: '<script>alert(1)</script>' }, new Date(0), new Set([1n])]);
  await createTask('reports', 'welcome', body);
  const html = await page('/?queue=reports');
  const row = html.slice(html.indexOf('data-task="welcome"'), html.indexOf('</tr>', html.indexOf('data-task="welcome"')));
  expect(row).toContain('sendWelcomeEmail');
  expect(row).toContain('{to: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}, Date(1970-01-01T00:00:00.000Z), Set{1n}');
  expect(html).not.toContain('<script>alert(1)</script>');
});

test('a body that is not an envelope is shown raw', async () => {
  await createTask('reports', 'raw', '{"plain":"json"}');
  const html = await page('/?queue=reports');
  const row = html.slice(html.indexOf('data-task="raw"'), html.indexOf('</tr>', html.indexOf('data-task="raw"')));
  expect(row).toContain('{&quot;plain&quot;:&quot;json&quot;}');
});

test("the page's inline style and script are exactly what its Content-Security-Policy allows", async () => {
  const response = await fetch(`${emulator.url}/`);
  const csp = response.headers.get('content-security-policy') ?? '';
  const html = await response.text();
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const [, style] = /<style>([\s\S]*?)<\/style>/.exec(html)!;
  const [, script] = /<script>([\s\S]*?)<\/script>/.exec(html)!;
  // A changed byte (an indentation, a semicolon) and the browser refuses to style or refresh the page.
  expect(csp).toContain(`style-src ${hash(style)}`);
  expect(csp).toContain(`script-src ${hash(script)}`);
});

test("the refresh script gets only the page's main part", async () => {
  const fragment = await (await fetch(`${emulator.url}/`, { headers: { 'x-dashboard-fragment': '1' } })).text();
  expect(fragment).toContain('data-queue="emails"');
  expect(fragment).not.toContain('<html');
});

test('run now dispatches a task of a paused queue; delete removes one', async () => {
  const ran = nextEvent(emulator, 'task:success', ({ task }) => task.name.endsWith('/welcome'));
  const response = await act('task-run', `${QUEUES}/reports/tasks/welcome`);
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toMatch(/^\/\?queue=reports&notice=Dispatching/);
  await ran;
  expect(target.received.map((r) => r.path)).toContain('/welcome');

  await act('task-delete', `${QUEUES}/reports/tasks/raw`);
  expect(await page('/?queue=reports')).not.toContain('data-task="raw"');
});

test('pause, resume and purge a queue', async () => {
  await act('queue-pause', `${QUEUES}/default`);
  expect(await page()).toMatch(/data-queue="default"[\s\S]*?PAUSED/);
  await createTask('default', 'purge-me', 'x');
  await act('queue-purge', `${QUEUES}/default`);
  expect(await page('/?queue=default')).not.toContain('data-task="purge-me"');
  await act('queue-resume', `${QUEUES}/default`);
  const html = await page();
  expect(html.slice(html.indexOf('data-queue="default"'), html.indexOf('</tr>', html.indexOf('data-queue="default"')))).toContain(
    'RUNNING',
  );
});

test('a task that exhausts its retries is listed as dead-lettered with its error; replay runs it again', async () => {
  const dead = nextEvent(emulator, 'task:dead', ({ task }) => task.name.endsWith('/fail-1'));
  await createTask('emails', 'fail-1', encodeEnvelope('chargeCard', ['order-7']));
  await dead;
  const row = between(await page(), 'data-dead="fail-1"', '</tr>');
  expect(row).toContain('chargeCard');
  expect(row).toContain('gave up after 3 attempt(s)');
  expect(row).toContain('&lt;b&gt;boom&lt;/b&gt;');

  const before = target.received.filter((r) => r.path === '/fail-1').length;
  const deadAgain = nextEvent(emulator, 'task:dead', ({ task }) => task.name.endsWith('/fail-1'));
  await act('dead-replay', `${QUEUES}/emails/tasks/fail-1`);
  await deadAgain;
  expect(target.received.filter((r) => r.path === '/fail-1').length).toBe(before + 3);
  await act('dead-delete', `${QUEUES}/emails/tasks/fail-1`);
  expect(await page()).not.toContain('data-dead="fail-1"');
});

test('recent activity names the function each finished task ran', async () => {
  const done = nextEvent(emulator, 'task:success', ({ task }) => task.name.endsWith('/receipt-1'));
  await createTask('default', 'receipt-1', encodeEnvelope('sendReceipt', ['order-9']));
  await done;
  const entry = between(between(await page(), '<ul class="activity">', '</ul>'), 'receipt-1', '</li>');
  expect(entry).toContain('<span class="mono fn">sendReceipt</span>');
  expect(entry).toContain('attempt 1: HTTP 200');
});

test('an action posted from another origin is refused; an error comes back as a notice', async () => {
  const foreign = await act('queue-pause', `${QUEUES}/emails`, { origin: 'http://evil.example' });
  expect(foreign.status).toBe(403);
  expect(await foreign.json()).toMatchObject({ error: { status: 'PERMISSION_DENIED', message: expect.stringMatching(/may not change/) } });
  expect(await page()).toMatch(/data-queue="emails"[\s\S]*?RUNNING/);
  const missing = await act('task-run', `${QUEUES}/emails/tasks/nope`);
  const location = missing.headers.get('location')!;
  expect(location).toContain('error=1');
  expect(await page(location)).toMatch(/class="notice bad" role="status">Requested entity was not found\. There is no task/);
});

test('a web page cannot drive the API either: cross-origin writes and non-loopback Host names are refused', async () => {
  const { request } = await import('node:http');
  const send = (headers: Record<string, string>, method = 'POST') =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${emulator.url}/v2/${QUEUES}/emails:pause`, { method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  expect(await send({ origin: 'http://evil.example' })).toBe(403);
  // DNS rebinding: evil.example resolving to 127.0.0.1, Origin and Host agree.
  expect(await send({ host: `evil.example:${emulator.port}`, origin: `http://evil.example:${emulator.port}` })).toBe(403);
  expect(await send({ host: `evil.example:${emulator.port}` }, 'GET')).toBe(403);
  expect(await send({ host: `localhost:${emulator.port}` }, 'GET')).not.toBe(403);
  expect(await page()).toMatch(/data-queue="emails"[\s\S]*?RUNNING/);
});
