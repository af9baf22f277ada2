/**
 * Rate and concurrency limits, measured at the target: 50/s really is 50/s, and a max of 3
 * concurrent dispatches never lets a 4th in.
 */
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi, fillPausedQueue, type EmulatorApi } from './support/emulator-api';
import { startTargetServer, type TargetServer } from './support/target-server';

const PARENT = 'projects/dev-project/locations/us-central1';
let emulator: EmulatorHandle;
let api: EmulatorApi;
let target: TargetServer;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  api = emulatorApi(emulator.url);
  target = await startTargetServer();
});

afterAll(async () => {
  await emulator.stop();
  await target.close();
});

test('a queue at 50/s dispatches 500 tasks in 10 s (+-10%)', async () => {
  const queue = await fillPausedQueue(api, {
    parent: PARENT,
    id: 'fifty',
    rateLimits: { maxDispatchesPerSecond: 50 },
    count: 500,
    url: `${target.url}/rate`,
  });
  // Dispatch decisions, timed in the emulator: the target's receipt times can bunch up when this
  // (shared) event loop stalls, the decisions cannot.
  const starts: number[] = [];
  const onStart = ({ task }: { task: { queue: string } }) => task.queue === queue && starts.push(Date.now());
  emulator.events.on('task:start', onStart);
  const resumedAt = Date.now();
  await api('POST', `${queue}:resume`, {});
  const requests = await target.waitFor(500, 20_000);
  const times = requests.filter((r) => r.path === '/rate').map((r) => r.atMs);
  expect(times).toHaveLength(500);
  const seconds = (times[times.length - 1] - resumedAt) / 1000;
  console.log(`50/s queue: 500 tasks in ${seconds.toFixed(2)} s (first after ${times[0] - resumedAt} ms)`);
  expect(seconds).toBeGreaterThanOrEqual(9);
  expect(seconds).toBeLessThanOrEqual(11);
  emulator.events.off('task:start', onStart);
  // The rate holds throughout, not only on average: a token bucket lets at most rate + burst
  // (50 + 10) through in any one second, however late its timers fire on a loaded machine.
  expect(starts).toHaveLength(500);
  for (let i = 0; i + 61 < starts.length; i++) expect(starts[i + 61] - starts[i]).toBeGreaterThanOrEqual(1000);
}, 30_000);

test('max concurrent dispatches 3: never a 4th in flight, and 3 are used', async () => {
  // Its own target, so that its count of requests in flight is this queue's alone.
  const slow = await startTargetServer(() => ({ delayMs: 100 }));
  try {
    const queue = await fillPausedQueue(api, {
      parent: PARENT,
      id: 'three',
      rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 3 },
      count: 30,
      url: `${slow.url}/slow`,
    });
    await api('POST', `${queue}:resume`, {});
    await slow.waitFor(30, 15_000);
    // Every request got its answer (so nothing still in flight would be missed).
    while (slow.inFlight() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(slow.maxInFlight()).toBe(3);
  } finally {
    await slow.close();
  }
}, 20_000);
