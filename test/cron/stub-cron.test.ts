/**
 * The jest stub and cron.yaml: list the schedules, run one (`runCronJob('daily summary')`)
 * through the handler's pipeline, and ask which jobs fire between two times on the virtual clock.
 */
import path from 'node:path';
import { createManifest, deferrable, getTaskContext, PermanentTaskFailure, verifyCronRequest, type TaskContext } from 'next-cloud-tasks';
import {
  createTaskQueueStub,
  cronRequest,
  createSigningKey,
  setupTaskQueueStub,
  TEST_OPTIONS,
  setupTestOptions,
} from 'next-cloud-tasks/testing';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { setupServer } from 'msw/node';

const seen: { args: unknown[]; context: TaskContext }[] = [];
const dailySummary = deferrable('reports.dailySummary', (...args: unknown[]) => {
  seen.push({ args, context: getTaskContext() });
});
const purgeExpired = deferrable('sessions.purgeExpired', () => {
  throw new PermanentTaskFailure('no sessions table');
});
const manifest = createManifest([dailySummary, purgeExpired]);
const CRON = { path: path.join(__dirname, '../fixtures/cron/functions-cron.yaml') };

const stub = setupTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: default\n  rate: 5/s\n' }, cron: CRON });
setupTestOptions({ logWriter: () => {} }); // the outcomes are asserted, not read
beforeEach(() => {
  seen.length = 0;
});

test('lists the schedules, translated', () => {
  expect(stub.cronJobs().map((j) => [j.id, j.description, j.schedule, j.cron, j.timeZone])).toEqual([
    ['daily-summary', 'daily summary', 'every day 09:00', '0 9 * * *', 'Europe/Paris'],
    ['purge-expired-sessions', 'purge expired sessions', 'every 6 hours synchronized', '0 */6 * * *', 'UTC'],
    ['weekly-digest', 'weekly digest', '0 8 * * mon', '0 8 * * mon', 'America/New_York'],
  ]);
});

test("runCronJob('daily summary') runs the function through the handler's pipeline, with the job in its context", async () => {
  stub.clock.advanceTo(new Date('2030-01-01T08:00:00Z'));
  const run = await stub.runCronJob('daily summary');
  expect(run).toMatchObject({
    status: 200,
    outcome: 'success',
    functionId: 'reports.dailySummary',
    scheduleTime: new Date('2030-01-01T08:00:00Z'),
  });
  expect(seen).toHaveLength(1);
  expect(seen[0].args).toEqual(['eu', { dryRun: false }]);
  expect(seen[0].context).toMatchObject({
    functionId: 'reports.dailySummary',
    attempt: 1,
    cronJob: { name: 'daily-summary', scheduleTime: new Date('2030-01-01T08:00:00Z') },
  });
  // The job id works too, and the arguments are a fresh copy each run.
  (seen[0].args[1] as { dryRun: boolean }).dryRun = true;
  await stub.runCronJob('daily-summary');
  expect(seen[1].args).toEqual(['eu', { dryRun: false }]);
});

test('the status contract is the handler’s: a PermanentTaskFailure is 2xx and dead-lettered', async () => {
  const run = await stub.runCronJob('purge expired sessions');
  expect(run).toMatchObject({ status: 200, outcome: 'permanent-failure', deadLettered: true });
  expect(stub.deadLetteredTasks()).toEqual([expect.objectContaining({ reason: 'permanent-failure', functionId: 'sessions.purgeExpired' })]);
});

test('unknown jobs and url jobs say what to do instead', async () => {
  await expect(stub.runCronJob('nightly')).rejects.toThrow('no cron job "nightly" in');
  await expect(stub.runCronJob('weekly digest')).rejects.toThrow(
    'a url job): the stub runs function jobs; test your route by calling it with cronRequest(job, { signingKey })',
  );
});

test('the virtual clock says which jobs fire between two times, earliest first', () => {
  const firings = stub.cronRunsBetween(new Date('2030-01-06T00:00:00Z'), new Date('2030-01-07T14:00:00Z'));
  expect(firings.map((f) => `${f.at.toISOString()} ${f.job.id}`)).toEqual([
    '2030-01-06T06:00:00.000Z purge-expired-sessions',
    '2030-01-06T08:00:00.000Z daily-summary', // 09:00 in Paris (CET)
    '2030-01-06T12:00:00.000Z purge-expired-sessions',
    '2030-01-06T18:00:00.000Z purge-expired-sessions',
    '2030-01-07T00:00:00.000Z purge-expired-sessions',
    '2030-01-07T06:00:00.000Z purge-expired-sessions',
    '2030-01-07T08:00:00.000Z daily-summary',
    '2030-01-07T12:00:00.000Z purge-expired-sessions',
    '2030-01-07T13:00:00.000Z weekly-digest', // Monday 08:00 in New York (EST)
  ]);
  stub.clock.advanceTo(new Date('2030-01-07T12:30:00Z'));
  expect(stub.cronRunsBetween(new Date('2030-01-07T14:00:00Z')).map((f) => f.job.id)).toEqual(['weekly-digest']);
});

// Google's signing certs, one key for every token of this file: the handler caches the certs it fetched.
const key = createSigningKey('google-key-stub');
const server = setupServer(googleCertsHandler([key]));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

describe('cronRequest: a url job’s request for your own route', () => {
  test('passes verifyCronRequest with the test handler config; a forged one does not', async () => {
    const job = stub.cronJobs().find((j) => j.id === 'weekly-digest')!;
    const request = await cronRequest(job, { signingKey: key, scheduleTime: new Date('2030-01-07T13:00:00Z') });
    expect(request.method).toBe('GET');
    expect(new URL(request.url).pathname).toBe('/api/cron/weekly-digest');
    expect(await verifyCronRequest(request, { config: TEST_OPTIONS })).toMatchObject({
      ok: true,
      jobName: 'weekly-digest',
      scheduleTime: new Date('2030-01-07T13:00:00Z'),
    });
    const forged = await cronRequest(job, { signingKey: createSigningKey('not-google'), claims: {} });
    expect(await verifyCronRequest(forged, { config: TEST_OPTIONS })).toMatchObject({ ok: false, status: 401 });
  });
});

describe('jobs whose App Engine schedule no unix-cron line says', () => {
  const engine = createTaskQueueStub({
    manifest,
    queues: { yaml: 'queue:\n- name: default\n  rate: 5/s\n' },
    cron: { path: path.join(__dirname, '../fixtures/cron/app-engine-cron.yaml') },
  });
  test('list their line and filter', () => {
    expect(engine.cronJobs().find((j) => j.id === 'first-monday-report')).toMatchObject({
      schedule: '1st monday of sep,oct,nov 17:00',
      cron: '0 17 * 9-11 1',
      filter: { timeZone: 'Europe/Paris', weeksOfMonth: [1] },
    });
  });

  test('fire only at their schedule’s times on the virtual clock', () => {
    const autumn = engine.cronRunsBetween(new Date('2026-09-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(autumn.filter((f) => f.job.id === 'first-monday-report').map((f) => f.at.toISOString())).toEqual([
      '2026-09-07T15:00:00.000Z',
      '2026-10-05T15:00:00.000Z',
      '2026-11-02T16:00:00.000Z', // 17:00 CET
    ]);
    const morning = engine.cronRunsBetween(new Date('2026-06-15T13:50:00Z'), new Date('2026-06-15T14:10:00Z'));
    expect(morning.filter((f) => f.job.id === 'office-hours-poll').map((f) => f.at.toISOString())).toEqual([
      '2026-06-15T13:55:00.000Z',
      '2026-06-15T14:00:00.000Z', // "to 14:00" is included, 14:05 of the line is not
    ]);
  });

  test('cronRequest carries the job’s filter: a time the schedule does not name is "not scheduled now"', async () => {
    const job = engine.cronJobs().find((j) => j.id === 'march-check')!;
    const onSchedule = await cronRequest(job, { signingKey: key, scheduleTime: new Date('2027-03-10T22:00:00Z') });
    expect(await verifyCronRequest(onSchedule, { config: TEST_OPTIONS })).toMatchObject({ ok: true, jobName: 'march-check' });
    const offSchedule = await cronRequest(job, { signingKey: key, scheduleTime: new Date('2027-03-24T21:00:00Z') });
    expect(await verifyCronRequest(offSchedule, { config: TEST_OPTIONS })).toMatchObject({
      ok: false,
      status: 200,
      notScheduled: true,
    });
  });
});

test('without a cron option the stub reads the project’s cron.yaml', () => {
  const project = createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: default\n  rate: 5/s\n' } });
  expect(project.cronJobs().map((j) => j.target)).toEqual([{ kind: 'function', functionId: 'demo.scheduledGreeting', args: ['cron'] }]);
});
