/**
 * The emulator fires a filtered job only at its schedule's times, not at every run of its wider
 * unix-cron line, over real HTTP into the real task handler, which verifies the emulator's token
 * and reads the filter the run carries. "Run now" is no run of the schedule: it runs whatever the filter says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest, deferrable, getTaskContext, type HandlerOptions } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { wallClock } from '@/lib/src/contract/cron-filter';
import { startHandlerServer, type HandlerServer } from '../helpers/handler-server';

jest.setTimeout(30_000);

const SA = 'cron-runner@dev-project.iam.gserviceaccount.com';
const SEVEN_MINUTES = 420_000;
const CRON_YAML = `cron:
- description: seven minute sweep
  function: sweeps.run
  schedule: every 7 minutes
- description: first monday report
  function: reports.monthly
  schedule: 1st monday of sep,oct,nov 17:00
  timezone: Europe/Paris
`;

const ran: { fn: string; scheduleTime?: Date }[] = [];
const sweep = deferrable('sweeps.run', () => void ran.push({ fn: 'sweeps.run', scheduleTime: getTaskContext().cronJob?.scheduleTime }));
const monthly = deferrable(
  'reports.monthly',
  () => void ran.push({ fn: 'reports.monthly', scheduleTime: getTaskContext().cronJob?.scheduleTime }),
);

let dir: string;
let emulator: EmulatorHandle;
let app: HandlerServer;
/** The next multiple of seven minutes of the clock (UTC): the sweep's next run. */
let sweepAt: number;

let restoreOptions: () => void;
beforeAll(async () => {
  restoreOptions = applyTestOptions({ logWriter: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'cron-filter-'));
  writeFileSync(join(dir, 'cron.yaml'), CRON_YAML);
  // The handler's config is known once the emulator has its port; the server reads it per request.
  const options: HandlerOptions = { manifest: createManifest([sweep, monthly]) };
  app = await startHandlerServer(options);
  // The emulator's clock reads 1.5 s before the sweep's next run when its scheduler starts: the
  // line fires every minute, the schedule every seventh.
  sweepAt = Math.ceil((Date.now() + 60_000) / SEVEN_MINUTES) * SEVEN_MINUTES;
  let offset: number | undefined;
  emulator = await startEmulator({
    port: 0,
    data: join(dir, 'state.sqlite'),
    cronYaml: join(dir, 'cron.yaml'),
    appUrl: app.url,
    cronServiceAccount: SA,
    cronClock: () => Date.now() + (offset ??= sweepAt - 1_500 - Date.now()),
  });
  options.config = { audience: app.url, allowedEmails: [SA], emulatorHost: emulator.hostPort };
});

afterAll(async () => {
  await emulator?.stop();
  await app?.close();
  restoreOptions?.();
  rmSync(dir, { recursive: true, force: true });
});

const job = (id: string) => emulator.cron.list().find((j) => j.id === id)!;

test('each job’s next run is its schedule’s, not its line’s', () => {
  expect(job('seven-minute-sweep').job.schedule).toBe('* * * * *');
  expect(job('seven-minute-sweep').nextRunMs).toBe(sweepAt);
  const report = job('first-monday-report');
  expect(report.job.schedule).toBe('0 17 * 9-11 1');
  const wall = wallClock(new Date(report.nextRunMs!), 'Europe/Paris');
  expect(wall).toMatchObject({ weekday: 1, minutes: 17 * 60 });
  expect(wall.day).toBeLessThanOrEqual(7);
  expect([9, 10, 11]).toContain(wall.month);
});

test('the sweep runs at the seventh minute through the verified handler, and next in seven minutes, not one', async () => {
  const run = await emulator.cron.waitForRun('seven-minute-sweep', 20_000);
  expect(run).toMatchObject({ ok: true, status: 200, attempts: 1, scheduleTimeMs: sweepAt, detail: 'success' });
  expect(ran).toEqual([{ fn: 'sweeps.run', scheduleTime: new Date(sweepAt) }]);
  expect(job('seven-minute-sweep').nextRunMs).toBe(sweepAt + SEVEN_MINUTES);
});

test('"Run now" on a filtered job out of its schedule runs it: a forced run has no schedule time', async () => {
  ran.length = 0;
  const done = emulator.cron.waitForRun('first-monday-report', 20_000);
  emulator.cron.runNow('first-monday-report');
  expect(await done).toMatchObject({ ok: true, status: 200, detail: 'success' });
  expect(ran).toEqual([{ fn: 'reports.monthly', scheduleTime: undefined }]);
});
