/**
 * The demo's fan-out example on a production build: `next start` + the emulator. One POST to
 * /api/teams/<team>/notify makes a task per follower with one deferMany() (BatchCreateTasks of up
 * to 100), and every follower's task runs through the verified handler.
 */
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import { recordEvents } from '../emulator/support/events';

jest.setTimeout(300_000);

let loop: EmulatedApp;
let emulator: EmulatorHandle;
let events: ReturnType<typeof recordEvents>;

beforeAll(async () => {
  loop = await startEmulatedApp();
  ({ emulator } = loop);
  events = recordEvents(emulator);
});

afterAll(async () => {
  events?.stop();
  await loop?.stop();
});

const notifyUrl = (team: string) => `${loop.app.url}/api/teams/${team}/notify`;
const post = (team: string, body: unknown) =>
  fetch(notifyUrl(team), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('one POST notifies every follower: 120 tasks, each run once through the verified handler', async () => {
  const response = await post('compilers', { message: 'v2 is out', followers: 120 });
  expect(response.status).toBe(202);
  expect(await response.json()).toEqual({ created: 120 });
  const notified = async () =>
    (await (await fetch(notifyUrl('compilers'))).json()) as { follower: string; message: string; attempt: number }[];
  const deadline = Date.now() + 60_000;
  let seen = await notified();
  while (seen.length < 120 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    seen = await notified();
  }
  expect(new Set(seen.map((n) => n.follower))).toEqual(new Set(Array.from({ length: 120 }, (_, i) => `compilers-fan-${i + 1}`)));
  expect(seen).toHaveLength(120);
  expect(seen.every((n) => n.message === 'v2 is out' && n.attempt === 1)).toBe(true);
  // Each once (the demo's default queue runs 10 a second).
  const successes = events.all('task:success').filter(({ task }) => task.url.endsWith('/followers.notify'));
  expect(successes).toHaveLength(120);
});

test('a bad request is refused with what to send, and nothing is deferred', async () => {
  for (const body of [
    {},
    { message: ' ' },
    { message: 'hi', followers: 0 },
    { message: 'hi', followers: 1001 },
    { message: 'hi', followers: 2.5 },
  ]) {
    const response = await post('quiet', body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/message|followers/);
  }
  expect(await (await fetch(notifyUrl('quiet'))).json()).toEqual([]);
});
