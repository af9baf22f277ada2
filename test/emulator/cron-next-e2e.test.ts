/**
 * End to end on a production build: the emulator loads the project's cron.yaml and fires its
 * `function:` job into `next start`, whose task handler verifies the emulator's token and runs the
 * deferrable function with the job in its task context. Then "Run now" from the dashboard.
 */
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatedAppEnv, LOCATION, PROJECT, TASKS_EMAIL } from '../helpers/emulated-app';
import { freePort, ROOT, startNextServer, type RunningServer } from '../helpers/next-server';
import { dashboardAction } from './support/dashboard-action';

jest.setTimeout(300_000);

let emulator: EmulatorHandle;
let app: RunningServer;

/** The emulator's cron clock, 2 s before the next 10-minute boundary: the project's "every 10 minutes" job is due soon. */
function clockNearTenMinutes(): () => number {
  const period = 600_000;
  const now = Date.now();
  const offset = (((period - (now % period) - 2_000) % period) + period) % period;
  return () => Date.now() + offset;
}

beforeAll(async () => {
  // The app first (its build may take a minute), pointed at the port the emulator will take; then
  // the emulator, whose clock makes the job due two seconds later.
  const [port, emulatorPort] = [await freePort(), await freePort()];
  app = await startNextServer(emulatedAppEnv({ hostPort: `127.0.0.1:${emulatorPort}` } as EmulatorHandle, port), port);
  emulator = await startEmulator({
    port: emulatorPort,
    data: ':memory:',
    queueYaml: join(ROOT, 'queue.yaml'),
    cronYaml: join(ROOT, 'cron.yaml'),
    appUrl: `http://127.0.0.1:${port}`,
    cronServiceAccount: TASKS_EMAIL,
    project: PROJECT,
    location: LOCATION,
    cronClock: clockNearTenMinutes(),
  });
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

type Greeting = { name: string; message: string; requestedAt: string; attempt: number; taskName?: string };
const greetings = async () => (await (await fetch(`${app.url}/api/greetings`)).json()) as Greeting[];

test('the scheduled function job runs in next start through the verified handler, with its job and schedule time', async () => {
  const run = await emulator.cron.waitForRun('scheduled-greeting', 60_000);
  expect(run).toMatchObject({ ok: true, status: 200, attempts: 1 });
  expect(run.scheduleTimeMs % 600_000).toBe(0);
  const scheduled = (await greetings()).filter((g) => g.message === 'Scheduled hello, cron!');
  expect(scheduled).toHaveLength(1);
  expect(scheduled[0]).toMatchObject({
    taskName: 'scheduled-greeting',
    attempt: 1,
    requestedAt: new Date(run.scheduleTimeMs).toISOString(),
  });
});

test('"Run now" on the dashboard runs it again', async () => {
  const done = emulator.cron.waitForRun('scheduled-greeting', 60_000);
  const response = await dashboardAction(emulator.url, 'cron-run', 'scheduled-greeting');
  expect(response.status).toBe(303);
  expect(await done).toMatchObject({ ok: true, status: 200 });
  expect((await greetings()).filter((g) => g.message === 'Scheduled hello, cron!')).toHaveLength(2);
  const html = await (await fetch(`${emulator.url}/`)).text();
  const row = html.slice(
    html.indexOf('data-cron="scheduled-greeting"'),
    html.indexOf('</tr>', html.indexOf('data-cron="scheduled-greeting"')),
  );
  expect(row).toContain('ok</span> HTTP 200');
  expect(row).toContain('demo.scheduledGreeting(&quot;cron&quot;)');
});
