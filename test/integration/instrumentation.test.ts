/**
 * What the demo's instrumentation.ts sets up through registerDeferred(), under `next start`.
 *
 * Process-wide hooks: what instrumentation.ts registers is process-wide. Under `next start`, one process holds three
 * module instances of the package (instrumentation; route handlers; server actions and pages):
 * the demo's registerDeferred({ onEvent }) listener, registered in the first, must see the tasks
 * the task route runs (second) and the tasks a server action enqueues (third).
 *
 * Prewarm: the Cloud Tasks client is loaded at start, off the request path, so the first defer()
 * does not pay for it (bench/cold-start.bench.ts measures the first against the rest).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import { ROOT, TEST_DIST_DIR } from '../helpers/next-server';

jest.setTimeout(240_000);

const probeFile = join(mkdtempSync(join(tmpdir(), 'probe-')), 'modules.txt');
const loadedModules = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n') : []);

let local: EmulatedApp;
beforeAll(async () => {
  local = await startEmulatedApp({
    MODULE_PROBE_FILE: probeFile,
    NODE_OPTIONS: `--require ${join(ROOT, 'test/helpers/module-probe.cjs')}`,
  });
});
afterAll(() => local?.stop());

interface EventRecord {
  event: string;
  functionId?: string;
}

const events = async () => (await (await fetch(`${local.app.url}/api/events`)).json()) as EventRecord[];
const greetingNames = async () => ((await (await fetch(`${local.app.url}/api/greetings`)).json()) as { name: string }[]).map((g) => g.name);

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Calls the demo's `deferDemoTask` server action as the page's form does: its id, and React's own reply encoding. */
async function callDeferAction(name: string): Promise<Response> {
  const manifest = JSON.parse(readFileSync(join(ROOT, TEST_DIST_DIR, 'server/server-reference-manifest.json'), 'utf8'));
  const [actionId] = Object.entries(manifest.node as Record<string, { exportedName: string }>).find(
    ([, a]) => a.exportedName === 'deferDemoTask',
  )!;
  const { encodeReply } = require('next/dist/compiled/react-server-dom-turbopack/client.node');
  const form = new FormData();
  form.append('name', name);
  form.append('kind', 'greet');
  // useActionState calls the action with (previous state, form data).
  const body = await encodeReply([{ message: '' }, form]);
  return fetch(`${local.app.url}/`, { method: 'POST', headers: { 'Next-Action': actionId, Accept: 'text/x-component' }, body });
}

test('the Cloud Tasks client is loaded at start, before any request defers', async () => {
  // startEmulatedApp waited only for the server to answer a HEAD: no route has deferred yet.
  expect(
    await until(
      async () => loadedModules(),
      (list) => list.includes('@google-cloud/tasks'),
      10_000,
    ),
  ).toEqual(expect.arrayContaining(['@google-cloud/tasks', 'google-gax']));
});

test("instrumentation's onEvent sees tasks enqueued by a server action and a route handler, and run by the task route", async () => {
  const action = await callDeferAction('FromAction');
  expect(action.status).toBe(200);
  expect(await action.text()).toContain('Deferred');
  const route = await fetch(`${local.app.url}/api/greetings`, { method: 'POST', body: JSON.stringify({ name: 'FromRoute' }) });
  expect(route.status).toBe(202);

  expect(await until(greetingNames, (names) => names.includes('FromAction') && names.includes('FromRoute'))).toEqual(
    expect.arrayContaining(['FromAction', 'FromRoute']),
  );
  const seen = await until(events, (list) => list.filter((e) => e.event === 'task:success').length >= 2);
  const count = (event: string) => seen.filter((e) => e.event === event && e.functionId === 'demo.greet').length;
  // One enqueue from the server action's module instance, one from the route handler's.
  expect(count('task:enqueued')).toBe(2);
  expect(count('task:start')).toBe(2);
  expect(count('task:success')).toBe(2);
});
