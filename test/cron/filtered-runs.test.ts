/**
 * Jobs whose App Engine schedule no unix-cron line says run on a wider line with a filter in a
 * header; the app skips the line's other runs itself. For `function:` jobs the task handler does
 * (before it reads the body), for `url:` jobs verifyCronRequest does, with a distinct verdict the
 * route returns as it is. Requests are built from the jobs exactly as `cron apply` creates them.
 */
import { createManifest, deferrable, getTaskContext, handleDeferredRequest, verifyCronRequest } from 'next-cloud-tasks';
import { schedulerRuns, type SchedulerRunOptions } from './support/scheduler-runs';

const AUDIENCE = 'https://app-abc-ew.a.run.app';
const SA = 'cron@demo.iam.gserviceaccount.com';
const config = { audience: AUDIENCE, allowedEmails: [SA] };

const ran: { args: unknown[]; scheduleTime?: Date }[] = [];
const monthly = deferrable(
  'reports.monthly',
  (...args: unknown[]) => void ran.push({ args, scheduleTime: getTaskContext().cronJob?.scheduleTime }),
);
const sweep = deferrable('sweeps.run', () => void ran.push({ args: [] }));
const manifest = createManifest([monthly, sweep]);

const scheduler = schedulerRuns('app-engine-cron.yaml', { audience: AUDIENCE, serviceAccount: SA });
const { logs } = scheduler;
beforeEach(() => void (ran.length = 0));

/** The request of a run of `name` scheduled at `scheduleTime` (undefined: a forced run, without one). */
const run = (name: string, scheduleTime: string | undefined, change?: SchedulerRunOptions['change']) =>
  scheduler.request(name, { scheduleTime: scheduleTime ?? null, change });

describe('a function job: the task handler runs the schedule’s runs and answers the others 200 unread', () => {
  // "1st monday of sep,oct,nov 17:00" in Europe/Paris runs on "0 17 * 9-11 1".
  test('the first monday of september at 17:00 in Paris runs', async () => {
    const response = await handleDeferredRequest(await run('first-monday-report', '2026-09-07T15:00:00Z'), { manifest, config });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-deferred-outcome')).toBe('success');
    expect(ran).toEqual([{ args: ['eu'], scheduleTime: new Date('2026-09-07T15:00:00Z') }]);
  });

  test.each(['2026-09-14T15:00:00Z', '2026-09-21T15:00:00Z', '2026-09-28T15:00:00Z'])(
    'the line’s run at %s (a later monday) is skipped',
    async (at) => {
      const response = await handleDeferredRequest(await run('first-monday-report', at), { manifest, config });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-deferred-outcome')).toBe('not-scheduled');
      expect(ran).toEqual([]);
      expect(logs).toEqual([
        expect.objectContaining({
          severity: 'DEBUG',
          message: `cron run of first-monday-report skipped: not scheduled now: ${new Date(at).toISOString()} is not days 1-7 of the month in Europe/Paris`,
        }),
      ]);
    },
  );

  test('the wall clock is the job’s zone: 17:00 in Paris on the 7th, whatever UTC’s date', async () => {
    // 2026-10-05 is the first monday of october; 15:00Z is 17:00 CEST.
    await handleDeferredRequest(await run('first-monday-report', '2026-10-05T15:00:00Z'), { manifest, config });
    expect(ran).toHaveLength(1);
  });

  test('an interval that does not divide a day: every 7 minutes of the clock runs, the line’s minutes between do not', async () => {
    const sevenths = Math.ceil(Date.parse('2026-06-15T00:00:00Z') / 420_000) * 420_000;
    expect(
      (await handleDeferredRequest(await run('seven-minute-sweep', new Date(sevenths).toISOString()), { manifest, config })).headers.get(
        'x-deferred-outcome',
      ),
    ).toBe('success');
    for (let minute = 1; minute < 7; minute++) {
      const at = new Date(sevenths + minute * 60_000).toISOString();
      expect(
        (await handleDeferredRequest(await run('seven-minute-sweep', at), { manifest, config })).headers.get('x-deferred-outcome'),
      ).toBe('not-scheduled');
    }
    expect(ran).toHaveLength(1);
  });

  test('a run without a schedule time (forced) runs; a run without a valid token is refused before the filter', async () => {
    expect((await handleDeferredRequest(await run('first-monday-report', undefined), { manifest, config })).status).toBe(200);
    expect(ran).toHaveLength(1);
    const forged = await run('first-monday-report', '2026-09-14T15:00:00Z', (h) => h.set('authorization', 'Bearer nope'));
    expect((await handleDeferredRequest(forged, { manifest, config })).status).toBe(401);
  });

  test('a filter header the app cannot read fails closed: 500, retried, nothing run, the fix logged', async () => {
    const broken = await run('first-monday-report', '2026-09-07T15:00:00Z', (h) =>
      h.set('x-deferred-cron-filter', 'tz=Europe/Paris; week=9'),
    );
    const response = await handleDeferredRequest(broken, { manifest, config });
    expect(response.status).toBe(500);
    expect(ran).toEqual([]);
    expect(logs.find((l) => l.severity === 'ERROR')?.message).toBe(
      'cron run of first-monday-report refused: the job\'s X-Deferred-Cron-Filter header "tz=Europe/Paris; week=9" cannot be read (week=9 is not a list of 1-5): deploy cron.yaml again with next-cloud-tasks cron apply',
    );
    const unknownZone = await run('first-monday-report', '2026-09-07T15:00:00Z', (h) =>
      h.set('x-deferred-cron-filter', 'tz=Mars/Olympus; week=1'),
    );
    expect((await handleDeferredRequest(unknownZone, { manifest, config })).status).toBe(500);
  });
});

describe('a url job: verifyCronRequest says "not scheduled now", and the route returns early', () => {
  const route = async (request: Request) => {
    const cron = await verifyCronRequest(request, { config });
    if (!cron.ok) return cron.response;
    return Response.json({ ran: cron.jobName, at: cron.scheduleTime?.toISOString() });
  };

  // "2nd,third mon,wed,thu of march 17:00" in America/New_York runs on "0 17 * 3 1,3,4".
  test('the second wednesday of march at 17:00 in New York is a run', async () => {
    const verdict = await verifyCronRequest(await run('march-check', '2027-03-10T22:00:00Z'), { config });
    expect(verdict).toMatchObject({ ok: true, jobName: 'march-check', scheduleTime: new Date('2027-03-10T22:00:00Z') });
  });

  test('the first and the fourth weeks’ runs of the line are not: a distinct verdict with a 200 to return', async () => {
    for (const at of ['2027-03-03T22:00:00Z', '2027-03-22T21:00:00Z']) {
      const verdict = await verifyCronRequest(await run('march-check', at), { config });
      expect(verdict).toMatchObject({ ok: false, status: 200, notScheduled: true });
      expect(verdict.ok ? '' : verdict.reason).toBe(
        `not scheduled now: ${new Date(at).toISOString()} is not days 8-14, 15-21 of the month in America/New_York`,
      );
      const response = await route(await run('march-check', at));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ skipped: verdict.ok ? '' : verdict.reason });
    }
    expect(await (await route(await run('march-check', '2027-03-18T21:00:00Z'))).json()).toEqual({
      ran: 'march-check',
      at: '2027-03-18T21:00:00.000Z',
    });
  });

  test('a range of times: 14:00 runs, 14:05 (in the line) does not', async () => {
    expect(await verifyCronRequest(await run('office-hours-poll', '2026-06-15T14:00:00Z'), { config })).toMatchObject({ ok: true });
    expect(await verifyCronRequest(await run('office-hours-poll', '2026-06-15T14:05:00Z'), { config })).toMatchObject({
      ok: false,
      notScheduled: true,
    });
  });

  test('the token is checked first: a forged run is 401, not "not scheduled"', async () => {
    const forged = await run('march-check', '2027-03-03T22:00:00Z', (h) => h.delete('authorization'));
    expect(await verifyCronRequest(forged, { config })).toMatchObject({ ok: false, status: 401 });
  });

  test('an unreadable filter is a 500 the route returns', async () => {
    const broken = await run('march-check', '2027-03-10T22:00:00Z', (h) => h.set('x-deferred-cron-filter', 'week=2'));
    const verdict = await verifyCronRequest(broken, { config });
    expect(verdict).toMatchObject({ ok: false, status: 500 });
    expect((await route(broken)).status).toBe(500);
  });
});
