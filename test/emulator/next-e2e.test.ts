/**
 * End to end on a production build: `next start` + the emulator. A task deferred with the demo's
 * functions goes through the emulator to the app's route, whose handler verifies the emulator's
 * OIDC token; a failing function retries per queue.yaml and ends in its dead-letter queue.
 */
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { LOCATION, PROJECT, startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import type { RunningServer } from '../helpers/next-server';
import { recordEvents } from './support/events';

jest.setTimeout(300_000);

let loop: EmulatedApp;
let emulator: EmulatorHandle;
let events: ReturnType<typeof recordEvents>;
let app: RunningServer;
let deferred: typeof import('next-cloud-tasks');
let demo: typeof import('../../app/_tasks/demo');
const savedEnv = { ...process.env };

beforeAll(async () => {
  loop = await startEmulatedApp();
  ({ emulator, app } = loop);
  events = recordEvents(emulator);
  // defer() in this process, configured like the app (its settings are read on first use, after this): it enqueues into the emulator.
  Object.assign(process.env, loop.env);
  deferred = await import('next-cloud-tasks');
  demo = await import('../../app/_tasks/demo');
});

afterAll(async () => {
  events?.stop();
  await loop?.stop();
  process.env = savedEnv;
});

const greetingNames = async () => ((await (await fetch(`${app.url}/api/greetings`)).json()) as { name: string }[]).map((g) => g.name);

test('a deferred task runs through the verified handler of next start', async () => {
  const name = `e2e-${Date.now()}`;
  const taskName = await deferred.defer(demo.greet, [name, new Date()]);
  expect(taskName).toMatch(new RegExp(`^projects/${PROJECT}/locations/${LOCATION}/queues/default/tasks/`));
  const success = await events.waitFor('task:success', ({ task }) => task.name === taskName, 60_000);
  expect(success.status).toBe(200);
  expect(success.task.dispatchCount).toBe(1);
  expect(await greetingNames()).toContain(name);
});

test('a task without a token is refused by the handler (401) and retried: the check is real', async () => {
  const response = await fetch(`${emulator.url}/v2/projects/${PROJECT}/locations/${LOCATION}/queues/default/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: {
        httpRequest: {
          url: `${app.url}/_ah/queue/deferred/demo.greet`,
          body: Buffer.from(encodeEnvelope('demo.greet', ['no-token', new Date()])).toString('base64'),
          headers: { 'Content-Type': 'application/json' },
        },
      },
    }),
  });
  const { name } = (await response.json()) as { name: string };
  const error = await events.waitFor('task:error', ({ task }) => task.name === name, 60_000);
  expect(error.result.status).toBe(401);
  await fetch(`${emulator.url}/v2/${name}`, { method: 'DELETE' });
  expect(await greetingNames()).not.toContain('no-token');
});

test('a failing function retries per queue.yaml, then is kept in its paused dead-letter queue, shown on the dashboard', async () => {
  const reason = `e2e-fail-${Date.now()}`;
  const taskName = await deferred.defer(demo.alwaysFails, [reason], { queue: 'demo-failures' });
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === taskName, 60_000);
  const retries = events
    .all('task:error')
    .filter(({ task }) => task.name === taskName)
    .map(({ task }) => task.dispatchCount);
  // task_retry_limit 2: three attempts in all.
  expect(dead.task.dispatchCount).toBe(3);
  expect(retries).toEqual([1, 2]);
  // queue.yaml gives demo-failures a dead_letter_queue: the app's default sink kept the task there.
  const kept = /kept in dead-letter queue demo-failures-dead-letter as (\S+)$/.exec(dead.reason)?.[1];
  expect(kept).toBeDefined();

  const html = await (await fetch(`${emulator.url}/`)).text();
  expect(html).not.toContain(`data-dead="${taskName.split('/').pop()}"`);
  const row = html.slice(html.indexOf(`data-task="${kept}"`), html.indexOf('</tr>', html.indexOf(`data-task="${kept}"`)));
  expect(row).toContain('demo.alwaysFails');
  expect(row).toContain(reason);
});

test('PermanentTaskFailure: answered 2xx, dead-lettered at once, never retried', async () => {
  const taskName = await deferred.defer(demo.rejectForever, ['e2e-permanent'], { queue: 'demo-failures' });
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === taskName, 60_000);
  expect(dead.task.dispatchCount).toBe(1);
  expect(dead.task.lastAttempt?.httpStatus).toBeGreaterThanOrEqual(200);
  expect(dead.task.lastAttempt?.httpStatus).toBeLessThan(300);
});

test('a registered class travels as itself: a Point deferred by the app, and by another process, runs its method in the task route', async () => {
  // Deferred by the app's own route handler (its production build renames the class Point).
  const fromApp = await fetch(`${app.url}/api/points`, { method: 'POST', body: JSON.stringify({ x: 3, y: 4 }) });
  expect(fromApp.status).toBe(202);
  const { task } = (await fromApp.json()) as { task: string };
  expect((await emulator.waitForTask(task, 60_000)).kind).toBe('success');
  // Deferred here, where the class is named Point: the id, not the name, is what travels.
  const { Point } = await import('../../app/_tasks/point');
  const fromHere = await deferred.defer(demo.measurePoint, [new Point(6, 8)]);
  expect((await emulator.waitForTask(fromHere, 60_000)).kind).toBe('success');

  const greetings = (await (await fetch(`${app.url}/api/greetings`)).json()) as { name: string; message: string }[];
  expect(greetings.map((g) => g.message)).toEqual(
    expect.arrayContaining(['The distance of (3, 4) from the origin is 5', 'The distance of (6, 8) from the origin is 10']),
  );
  // While it waits, the dashboard (which has no app classes) shows the argument under its id, with its fields.
  const later = await deferred.defer(demo.measurePoint, [new Point(1, 2)], { countdown: 3600 });
  const html = await (await fetch(`${emulator.url}/`)).text();
  const row = html.slice(html.indexOf(`data-task="${later.split('/').pop()}"`));
  expect(row.slice(0, row.indexOf('</tr>'))).toContain('demo.Point {x: 1, y: 2}');
  expect(await deferred.cancelTask(later)).toBe(true);
});
