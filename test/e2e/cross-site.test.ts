/**
 * Web pages in a real browser (Debian's chromium) against a real emulator and a small target
 * server standing for the app: a page on another loopback port, one on another site
 * (localhost vs 127.0.0.1), a sandboxed iframe and a data: URL (both opaque origins, which send
 * `Origin: null`), and a page that frames the dashboard. Each tries everything it can: fetch
 * (no-cors and CORS), sendBeacon, HTML forms (text/plain crafted JSON, urlencoded, multipart) to
 * the REST API and to the dashboard's actions, clicks on a framed dashboard. None can create,
 * run, delete, pause, resume, purge or replay anything, and the app receives nothing. The same
 * browser on the dashboard itself can, and so can the Cloud Tasks client and the queue CLI.
 * Run with `npm run test:e2e`.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { runCli } from '../queues/support/cli-runner';
import { emulatorClient } from '../emulator/support/client';
import { sleep } from '../emulator/support/events';
import { startTargetServer, type TargetServer } from '../emulator/support/target-server';
import { launchChromium } from './browser';

jest.setTimeout(120_000);

const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), 'emulator-e2e');
const QUEUES = 'projects/dev-project/locations/us-central1/queues';
let emulator: EmulatorHandle;
let app: TargetServer;
let attacker: Server;
let attackerPort: number;
let browser: Browser;
let context: BrowserContext;

/** The attack, as one script: every write a page can make a browser send, to every endpoint. */
function attackScript(): string {
  const E = emulator.url;
  const pwn = JSON.stringify({
    task: {
      httpRequest: {
        url: `${app.url}/_ah/queue/deferred/demo.greet`,
        body: Buffer.from('{"json":{"v":1,"fn":"demo.greet","args":["pwned"]}}').toString('base64'),
      },
    },
  });
  return `
(async () => {
  const E = ${JSON.stringify(E)}, Q = ${JSON.stringify(QUEUES)}, PWN = ${JSON.stringify(pwn)};
  const results = [];
  const attempt = (label, url, init) => fetch(url, init).then((r) => results.push([label, r.type, r.status]), (e) => results.push([label, 'error', String(e)]));
  const form = (fields) => new URLSearchParams({ back: '/', ...fields });
  const writes = [
    ['create (no-cors, text/plain)', E + '/v2/' + Q + '/default/tasks', { method: 'POST', mode: 'no-cors', body: PWN }],
    ['create (no-cors, form-urlencoded)', E + '/v2/' + Q + '/default/tasks', { method: 'POST', mode: 'no-cors', body: form({ x: PWN }) }],
    ['create (CORS, JSON)', E + '/v2/' + Q + '/default/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: PWN }],
    ['run', E + '/v2/' + Q + '/reports/tasks/kept:run', { method: 'POST', mode: 'no-cors', body: '{}' }],
    ['delete', E + '/v2/' + Q + '/reports/tasks/kept', { method: 'DELETE' }],
    ['pause', E + '/v2/' + Q + '/default:pause', { method: 'POST', mode: 'no-cors' }],
    ['resume', E + '/v2/' + Q + '/reports:resume', { method: 'POST', mode: 'no-cors', body: '{}' }],
    ['purge', E + '/v2/' + Q + '/reports:purge', { method: 'POST', mode: 'no-cors', body: '{}' }],
    ['patch', E + '/v2/' + Q + '/reports', { method: 'PATCH', body: '{"rateLimits":{"maxDispatchesPerSecond":5}}' }],
    ['dashboard pause', E + '/_emulator/actions/queue-pause', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/default' }) }],
    ['dashboard resume', E + '/_emulator/actions/queue-resume', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/reports' }) }],
    ['dashboard purge', E + '/_emulator/actions/queue-purge', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/reports' }) }],
    ['dashboard run', E + '/_emulator/actions/task-run', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/reports/tasks/kept' }) }],
    ['dashboard delete', E + '/_emulator/actions/task-delete', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/reports/tasks/kept' }) }],
    ['dashboard replay', E + '/_emulator/actions/dead-replay', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/emails/tasks/dead' }) }],
    ['dashboard delete dead', E + '/_emulator/actions/dead-delete', { method: 'POST', mode: 'no-cors', body: form({ name: Q + '/emails/tasks/dead' }) }],
  ];
  await Promise.all(writes.map(([label, url, init]) => attempt(label, url, init)));
  results.push(['beacon', 'beacon', navigator.sendBeacon(E + '/v2/' + Q + '/default/tasks', PWN)]);
  // HTML forms, each into its own hidden frame: a text/plain form can spell JSON in a field name.
  const forms = [
    ['text/plain', E + '/v2/' + Q + '/default/tasks', { [PWN.slice(0, -1) + ', "x": "']: '"}' }],
    ['application/x-www-form-urlencoded', E + '/v2/' + Q + '/default:pause', { a: '1' }],
    ['multipart/form-data', E + '/v2/' + Q + '/reports:purge', { a: '1' }],
    ['application/x-www-form-urlencoded', E + '/_emulator/actions/queue-pause', { name: Q + '/default', back: '/' }],
    ['application/x-www-form-urlencoded', E + '/_emulator/actions/task-run', { name: Q + '/reports/tasks/kept', back: '/' }],
    ['application/x-www-form-urlencoded', E + '/_emulator/actions/queue-purge', { name: Q + '/reports', back: '/', token: 'guessed' }],
  ];
  forms.forEach(([enctype, action, fields], index) => {
    const sink = document.createElement('iframe');
    sink.name = 'sink' + index;
    document.body.appendChild(sink);
    const f = document.createElement('form');
    Object.assign(f, { method: 'POST', action, enctype, target: sink.name });
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      Object.assign(input, { type: 'hidden', name, value });
      f.appendChild(input);
    }
    document.body.appendChild(f);
    f.submit();
    results.push(['form ' + enctype + ' ' + action.slice(E.length), 'form', 'submitted']);
  });
  window.attackResults = results;
})();`;
}

const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>attacker</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  app = await startTargetServer((request) => (request.path.startsWith('/fail') ? { status: 500 } : {}));
  emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: join(__dirname, '../emulator/fixtures/queue.yaml') });
  // A task waiting in the paused queue, and a dead letter: what run / delete / purge / replay would hit.
  const api = (path: string, body: unknown) =>
    fetch(`${emulator.url}/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(
    (await api(`${QUEUES}/reports/tasks`, { task: { name: `${QUEUES}/reports/tasks/kept`, httpRequest: { url: `${app.url}/kept` } } }))
      .status,
  ).toBe(200);
  const dead = emulator.waitForTask(`${QUEUES}/emails/tasks/dead`);
  expect(
    (await api(`${QUEUES}/emails/tasks`, { task: { name: `${QUEUES}/emails/tasks/dead`, httpRequest: { url: `${app.url}/fail` } } }))
      .status,
  ).toBe(200);
  await expect(dead).resolves.toMatchObject({ kind: 'dead' });

  attacker = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://attacker');
    const script = `<script>${attackScript()}</script>`;
    const pages: Record<string, string> = {
      '/attack': page(script),
      // The framed page gets an opaque origin from the sandbox: its requests carry Origin: null.
      '/sandbox': page('<iframe id="box" sandbox="allow-scripts allow-forms" src="/attack" width="600" height="300"></iframe>'),
      '/frame': page(
        `<p>Click to win!</p><iframe id="victim" src="${emulator.url}/" width="1300" height="800" style="opacity:0.5"></iframe>`,
      ),
    };
    const body = pages[url.pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  attacker?.closeAllConnections();
  await emulator?.stop();
  await app?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
});
afterEach(async () => context?.close());

/** Queue states, waiting tasks and dead letters, as the API and the dashboard tell them. */
async function state() {
  const queues = await (await fetch(`${emulator.url}/v2/projects/dev-project/locations/us-central1/queues`)).json();
  const tasks: Record<string, unknown> = {};
  for (const queue of queues.queues) {
    const listed = await (await fetch(`${emulator.url}/v2/${queue.name}/tasks`)).json();
    tasks[queue.name] = (listed.tasks ?? []).map((task: { name: string; dispatchCount: number }) => `${task.name} x${task.dispatchCount}`);
  }
  const html = await (await fetch(`${emulator.url}/`)).text();
  return {
    queues: queues.queues.map((queue: { name: string; state: string; rateLimits: object }) => [queue.name, queue.state, queue.rateLimits]),
    tasks,
    dead: [...html.matchAll(/data-dead="([^"]+)"/g)].map((match) => match[1]),
  };
}

/** Every request the page (and its frames) made to the emulator, with what came back. */
function recordEmulatorTraffic(target: Page) {
  const seen: { method: string; path: string; status: number | 'failed'; xfo?: string; error?: string }[] = [];
  target.on('response', (response) => {
    const url = response.url();
    if (!url.startsWith(emulator.url)) return;
    seen.push({
      method: response.request().method(),
      path: url.slice(emulator.url.length),
      status: response.status(),
      xfo: response.headers()['x-frame-options'],
    });
  });
  target.on('requestfailed', (request) => {
    if (request.url().startsWith(emulator.url))
      seen.push({
        method: request.method(),
        path: request.url().slice(emulator.url.length),
        status: 'failed',
        error: request.failure()?.errorText,
      });
  });
  return seen;
}

async function expectNothingChanged(before: Awaited<ReturnType<typeof state>>, appRequestsBefore: number) {
  // Long enough for a created task to be dispatched (queue default: 5/s).
  await sleep(1500);
  expect(await state()).toEqual(before);
  expect(app.received.slice(appRequestsBefore).map((r) => r.path)).toEqual([]);
}

async function attackFrom(url: string, frameOf?: (page: Page) => ReturnType<Page['frame']>) {
  const before = await state();
  const appRequests = app.received.length;
  const attackPage = await context.newPage();
  const traffic = recordEmulatorTraffic(attackPage);
  await attackPage.goto(url);
  const frame = frameOf ? frameOf(attackPage) : attackPage.mainFrame();
  await frame!.waitForFunction(() => (window as never as { attackResults?: unknown }).attackResults !== undefined, undefined, {
    timeout: 15_000,
  });
  const results = (await frame!.evaluate(() => (window as never as { attackResults: unknown[] }).attackResults)) as [
    string,
    string,
    unknown,
  ][];
  await expectNothingChanged(before, appRequests);
  const writes = traffic.filter((t) => t.method !== 'GET');
  if (process.env.E2E_DEBUG) console.log(JSON.stringify({ url: url.slice(0, 60), writes, results }, null, 1));
  // Whatever reached the emulator was refused: a 403 (wrong origin, no token) or 400 (not JSON),
  // or its answer blocked by the browser because of the emulator's own headers (CORP on a
  // no-cors fetch, X-Frame-Options on a form's frame). What did not reach it was stopped by the
  // browser: a CORS preflight the emulator does not grant (ERR_FAILED), or Chrome's local
  // network access check (a data: page is not "local").
  for (const request of writes) {
    expect([
      403,
      400,
      'net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin',
      'net::ERR_BLOCKED_BY_RESPONSE',
      'net::ERR_FAILED',
      'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS',
    ]).toContain(request.status === 'failed' ? request.error : request.status);
  }
  const answered = writes.filter((w) => typeof w.status === 'number' || w.error?.startsWith('net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin'));
  return { results, writes, answered };
}

/**
 * Chrome itself blocks some of these (its local network access checks stop a data: page from
 * reaching loopback). The emulator must not rely on that: a user can allow the access at a
 * prompt, and other browsers have no such check. So every attack runs twice, the second time
 * with those checks off, where every request reaches the emulator and the emulator alone refuses.
 */
describe.each([
  ['chromium as shipped', [] as string[], { dataUrlAnswered: 0 }],
  ['chromium without its local network access checks', ['--disable-features=LocalNetworkAccessChecks'], { dataUrlAnswered: 18 }],
])('%s', (_name, args, expected) => {
  let attackBrowser: Browser;
  beforeAll(async () => {
    attackBrowser = await launchChromium(args);
  });
  afterAll(async () => attackBrowser?.close());
  beforeEach(async () => {
    context = await attackBrowser.newContext({ viewport: { width: 1400, height: 1000 } });
  });

  test('a page on another loopback port (same-site, cross-origin) can change nothing', async () => {
    const { answered, results } = await attackFrom(`http://127.0.0.1:${attackerPort}/attack`);
    expect(results.length).toBe(23);
    // The browser did send them: the refusals came from the emulator.
    expect(answered.length).toBeGreaterThanOrEqual(18);
    expect(answered.some((w) => w.method === 'POST' && w.path.endsWith('/default/tasks') && w.status === 403)).toBe(true);
  });

  test('a page on another site (localhost vs 127.0.0.1) can change nothing', async () => {
    const { answered } = await attackFrom(`http://localhost:${attackerPort}/attack`);
    expect(answered.length).toBeGreaterThanOrEqual(18);
  });

  test('a sandboxed iframe (opaque origin, Origin: null) can change nothing', async () => {
    const { answered } = await attackFrom(
      `http://127.0.0.1:${attackerPort}/sandbox`,
      (p) => p.frames().find((f) => f !== p.mainFrame() && f.url().endsWith('/attack')) ?? null,
    );
    expect(answered.length).toBeGreaterThanOrEqual(18);
  });

  test('a data: URL page (opaque origin, Origin: null) can change nothing', async () => {
    const html = page(`<script>${attackScript()}</script>`);
    const { answered } = await attackFrom(`data:text/html;base64,${Buffer.from(html).toString('base64')}`);
    expect(answered.length).toBeGreaterThanOrEqual(expected.dataUrlAnswered);
  });
});

test('a page cannot frame the dashboard: the frame stays empty, and clicks on it change nothing', async () => {
  const before = await state();
  const appRequests = app.received.length;
  const framing = await context.newPage();
  const traffic = recordEmulatorTraffic(framing);
  await framing.goto(`http://127.0.0.1:${attackerPort}/frame`);
  await sleep(500);
  // The browser fetched the dashboard, saw X-Frame-Options / frame-ancestors, and rendered nothing of it.
  expect(traffic.find((t) => t.path === '/')).toMatchObject({ status: 200, xfo: 'DENY' });
  const victim = framing.frames().find((f) => f !== framing.mainFrame())!;
  expect(victim.url()).not.toBe(`${emulator.url}/`);
  await expect(victim.locator('tr[data-queue]').count()).resolves.toBe(0);
  // Clickjacking: click all over where the dashboard's buttons would be.
  const box = (await framing.locator('#victim').boundingBox())!;
  for (let y = box.y + 20; y < box.y + box.height; y += 40) {
    for (const x of [box.x + box.width - 60, box.x + box.width - 140]) await framing.mouse.click(x, y);
  }
  await framing.screenshot({ path: join(SCREENSHOTS, 'framed-dashboard.png') });
  await expectNothingChanged(before, appRequests);
});

test('the same browser on the dashboard itself can pause, resume and run: the refusals above are not a broken setup', async () => {
  const dashboard = await context.newPage();
  await dashboard.goto(`${emulator.url}/`);
  const row = (id: string) => dashboard.locator(`tr[data-queue="${id}"]`);
  await row('default').getByRole('button', { name: 'Pause' }).click();
  await dashboard.locator('.notice', { hasText: 'Paused default' }).waitFor();
  await row('default').getByRole('button', { name: 'Resume' }).click();
  await dashboard.locator('.notice', { hasText: 'Resumed default' }).waitFor();

  // The page's own script (allowed by its CSP) still refreshes it.
  const created = await fetch(`${emulator.url}/v2/${QUEUES}/reports/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: { name: `${QUEUES}/reports/tasks/shown`, httpRequest: { url: `${app.url}/shown` } } }),
  });
  expect(created.status).toBe(200);
  await dashboard.locator('tr[data-task="shown"]').waitFor({ timeout: 10_000 });
  await dashboard.screenshot({ path: join(SCREENSHOTS, 'dashboard-secured.png'), fullPage: true });
  const errors: string[] = [];
  dashboard.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await dashboard.locator('tr[data-task="shown"]').getByRole('button', { name: 'Run now' }).click();
  await dashboard.locator('.notice', { hasText: 'Dispatching shown now' }).waitFor();
  await expect(emulator.waitForTask(`${QUEUES}/reports/tasks/shown`)).resolves.toMatchObject({ kind: 'success' });
  expect(app.received.map((r) => r.path)).toContain('/shown');
  expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
});

test('the Cloud Tasks client and the queue CLI still work on the same emulator', async () => {
  const client = await emulatorClient(emulator.hostPort);
  try {
    const queue = `${QUEUES}/by-client`;
    await client.createQueue({ parent: QUEUES.replace(/\/queues$/, ''), queue: { name: queue } });
    await client.pauseQueue({ name: queue });
    const [task] = await client.createTask({ parent: queue, task: { httpRequest: { url: `${app.url}/by-client`, httpMethod: 'POST' } } });
    await client.runTask({ name: task.name! });
    await expect(emulator.waitForTask(task.name!)).resolves.toMatchObject({ kind: 'success' });
    await client.createTask({ parent: queue, task: { httpRequest: { url: `${app.url}/purged` } } });
    await client.purgeQueue({ name: queue });
    await client.resumeQueue({ name: queue });
    await client.deleteQueue({ name: queue });
  } finally {
    await client.close();
  }
  const env = { CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort, GOOGLE_CLOUD_PROJECT: 'dev-project', CLOUD_TASKS_LOCATION: 'us-central1' };
  const file = join(__dirname, '../emulator/fixtures/queue.yaml');
  expect((await runCli(['apply', '--file', file], env)).code).toBe(0);
  const check = await runCli(['check', '--file', file], env);
  expect(check.code).toBe(0);
});
