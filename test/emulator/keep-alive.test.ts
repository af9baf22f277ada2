/**
 * The emulator's connections to the app: a round of attempts as wide as the queue's max
 * concurrent dispatches opens that many sockets once, and the next round reuses them. (With
 * Node's default of 256 idle sockets per host, each round of 1,000 attempts opened ~750 anew.)
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi, fillPausedQueue } from './support/emulator-api';

const WIDTH = 600;
const PARENT = 'projects/keep-alive/locations/us-central1';

let emulator: EmulatorHandle;
/** The app: holds every answer until a whole round (WIDTH requests) is in, so all are in flight at once. */
const target = { url: '', connections: 0, requests: 0, held: [] as ServerResponse[] };
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    target.requests += 1;
    target.held.push(res);
    if (target.held.length === WIDTH) for (const held of target.held.splice(0)) held.end('ok');
  });
}).on('connection', () => (target.connections += 1));
// Idle sockets stay open between the rounds, however long filling the second queue takes on a loaded machine.
server.keepAliveTimeout = 120_000;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', rateLimits: 'ignore' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator?.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A paused queue of max concurrency WIDTH filled with WIDTH tasks, resumed; resolves when all ran. */
async function round(id: string): Promise<void> {
  const api = emulatorApi(emulator.url);
  const queue = await fillPausedQueue(api, {
    parent: PARENT,
    id,
    rateLimits: { maxConcurrentDispatches: WIDTH },
    count: WIDTH,
    url: `${target.url}/${id}`,
  });
  let done = 0;
  const finished = new Promise<void>((resolve) =>
    emulator.events.on('task:success', ({ task }) => task.queue === queue && ++done === WIDTH && resolve()),
  );
  await api('POST', `${queue}:resume`, {});
  await finished;
}

test(`two rounds of ${WIDTH} concurrent attempts share ${WIDTH} connections`, async () => {
  await round('first');
  expect(target.connections).toBe(WIDTH);
  await round('second');
  expect(target.requests).toBe(2 * WIDTH);
  expect(target.connections).toBe(WIDTH);
}, 60_000);
