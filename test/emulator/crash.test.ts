/**
 * Crash safety: 1,000 tasks queued, the emulator killed with SIGKILL while dispatching, then
 * restarted on the same SQLite file: every task runs at least once, none is lost; scheduled
 * and dead-lettered tasks are still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorApi } from './support/emulator-api';
import { sleep } from './support/events';
import { spawnEmulator, type SpawnedEmulator } from './support/spawn-emulator';
import { startTargetServer, type TargetServer } from './support/target-server';

const TASKS = 1000;
const QUEUE = 'projects/dev-project/locations/us-central1/queues/crash';
let dir: string;
let target: TargetServer;
let emulator: SpawnedEmulator | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-crash-'));
  // A few ms per answer, so that attempts are in flight when the kill comes.
  target = await startTargetServer((request) => (request.path === '/dead' ? { status: 500 } : { delayMs: 5 }));
});

afterAll(async () => {
  await emulator?.stop();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL mid-dispatch, restart: every one of 1,000 tasks runs at least once', async () => {
  const data = join(dir, 'state.sqlite');
  emulator = await spawnEmulator(['--port', '0', '--data', data, '--quiet']);
  const base = emulator.url;
  const api = emulatorApi(base);
  await api('POST', 'projects/dev-project/locations/us-central1/queues', {
    name: QUEUE,
    rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 50 },
    retryConfig: { maxAttempts: 1, minBackoff: '0.1s', maxBackoff: '0.1s' },
  });
  await api('POST', `${QUEUE}:pause`, {});
  // A task due in an hour and one dead-lettered first thing must survive the crash too.
  await api('POST', `${QUEUE}/tasks`, { task: { name: `${QUEUE}/tasks/dead`, httpRequest: { url: `${target.url}/dead` } } });
  await api('POST', `${QUEUE}/tasks`, {
    task: {
      name: `${QUEUE}/tasks/later`,
      scheduleTime: new Date(Date.now() + 3600_000).toISOString(),
      httpRequest: { url: `${target.url}/later` },
    },
  });
  const names: string[] = [];
  for (let start = 0; start < TASKS; start += 50) {
    const batch = Array.from({ length: 50 }, (_, i) => `t-${start + i}`);
    await Promise.all(
      batch.map((id) =>
        api('POST', `${QUEUE}/tasks`, {
          task: { name: `${QUEUE}/tasks/${id}`, httpRequest: { url: `${target.url}/work`, httpMethod: 'POST' } },
        }),
      ),
    );
    names.push(...batch);
  }
  await api('POST', `${QUEUE}:resume`, {});

  await target.waitFor(300);
  expect(await (await fetch(`${base}/`)).text()).toContain('data-dead="dead"');
  emulator.child.kill('SIGKILL');
  await new Promise((resolve) => emulator!.child.once('exit', resolve));
  const beforeRestart = new Set(target.received.map((r) => r.headers['x-cloudtasks-taskname']));
  expect(beforeRestart.size).toBeLessThan(TASKS); // it really died mid-way

  emulator = await spawnEmulator(['--port', '0', '--data', data, '--quiet']);
  const seen = () => new Set(target.received.filter((r) => r.path === '/work').map((r) => r.headers['x-cloudtasks-taskname'] as string));
  const deadline = Date.now() + 20_000;
  while (seen().size < TASKS && Date.now() < deadline) await sleep(50);
  const missing = names.filter((name) => !seen().has(name));
  expect(missing).toEqual([]);
  const runs = target.received.filter((r) => r.path === '/work').length;
  console.log(`crash test: killed after ${beforeRestart.size} tasks had run; ${runs - TASKS} task(s) ran twice (at-least-once)`);

  // Nothing left queued but the scheduled task; the dead letter is on the dashboard.
  await sleep(300);
  const left = await emulatorApi(emulator.url)('GET', `${QUEUE}/tasks`);
  expect(left.tasks.map((t: { name: string }) => t.name)).toEqual([`${QUEUE}/tasks/later`]);
  const dashboard = await (await fetch(`${emulator.url}/`)).text();
  expect(dashboard).toContain('data-dead="dead"');
}, 30_000);
