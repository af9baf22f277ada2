/**
 * App Engine schedule strings: the unix-cron line deployed, the filter when that line fires more
 * often than the schedule, and the next three runs in a fixed time zone, compared to App Engine's
 * meaning as test/fixtures/cron/schedules.json writes it down (rows with `error` are not valid).
 */
import { describe, expect, test } from '@jest/globals';
import table from '../fixtures/cron/schedules.json';
import { nextRuns, ScheduleError, translateSchedule } from 'next-cloud-tasks/cron';
import { encodeCronFilter, matchesCronFilter, wallClock } from '@/lib/src/contract/cron-filter';
import { runsBetween } from '@/lib/src/cron/next-runs';

type Row = { schedule: string; cron?: string; filter?: string; after?: string; extension?: boolean; next?: string[]; error?: string };
const rows = table.rows as Row[];
const { timeZone } = table;
const iso = (d: Date) => d.toISOString();
const MINUTE = 60_000;

/** The job as deployed: its line, and its filter in the job's zone. */
function deployed(schedule: string) {
  const { cron, filter } = translateSchedule(schedule);
  return { cron, timeZone, ...(filter && { filter: { timeZone, ...filter } }) };
}

/** The values a unix-cron field lists ('*' is undefined: every value). */
function fieldValues(field: string, min: number, max: number): Set<number> | undefined {
  if (field === '*') return undefined;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, step = '1'] = part.split('/');
    const [low, high] = range === '*' ? [min, max] : range.split('-').map(Number);
    for (let v = low; v <= (high ?? low); v += Number(step)) values.add(v);
  }
  return values;
}

describe(`schedules in ${timeZone}, from ${table.from}`, () => {
  const valid = rows.filter((r) => r.cron);

  test.each(valid.map((r) => [r.schedule, r] as const))('%s', (schedule, row) => {
    const job = deployed(schedule);
    expect(job.cron).toBe(row.cron);
    expect(job.filter && encodeCronFilter(job.filter)).toBe(row.filter && `tz=${timeZone}; ${row.filter}`);
    const after = new Date(row.after ?? table.from);
    expect(nextRuns(job, after, 3).map(iso)).toEqual(row.next);
    // `after` is a run itself, so the next three are counted from it.
    if (row.after) expect(nextRuns(job, new Date(after.getTime() - MINUTE), 1).map(iso)).toEqual([row.after]);
    // The line alone fires at every one of them: it covers the schedule.
    for (const run of row.next!)
      expect(nextRuns({ cron: job.cron, timeZone }, new Date(Date.parse(run) - MINUTE), 1).map(iso)).toEqual([run]);
  });

  test.each(valid.filter((r) => r.filter).map((r) => [r.schedule] as const))(
    'the line of %s is the smallest: each value it lists is a run’s',
    (schedule) => {
      const job = deployed(schedule);
      // Four years of runs reach every value such a line lists (eight days do for an interval’s).
      const days = job.filter?.everyMinutes || job.filter?.times ? 8 : 4 * 366;
      const runs = runsBetween(job, new Date(table.from), new Date(Date.parse(table.from) + days * 1440 * MINUTE), 100_000);
      const walls = runs.map((run) => wallClock(run, timeZone));
      const [minute, hour, day, month, weekday] = job.cron.split(' ');
      const used = {
        minute: new Set(walls.map((w) => w.minutes % 60)),
        hour: new Set(walls.map((w) => Math.floor(w.minutes / 60))),
        day: new Set(walls.map((w) => w.day)),
        month: new Set(walls.map((w) => w.month)),
        weekday: new Set(walls.map((w) => w.weekday)),
      };
      const check = (name: keyof typeof used, field: string, min: number, max: number) => {
        for (const value of fieldValues(field, min, max) ?? [])
          expect({ [name]: value, used: used[name].has(value) }).toEqual({ [name]: value, used: true });
      };
      check('minute', minute, 0, 59);
      check('hour', hour, 0, 23);
      check('day', day, 1, 31);
      check('month', month, 1, 12);
      check('weekday', weekday, 0, 6);
    },
  );

  test.each(rows.filter((r) => r.error).map((r) => [r.schedule, r] as const))('%s is refused', (schedule, row) => {
    expect(() => translateSchedule(schedule)).toThrow(ScheduleError);
    expect(() => translateSchedule(schedule)).toThrow(row.error);
  });

  test('the table covers every form in App Engine’s cron.yaml reference, and the issue’s examples', () => {
    const covered = rows.map((r) => r.schedule);
    for (const example of [
      'every 12 hours',
      'every 5 minutes from 10:00 to 14:00',
      'every 1 hours from 08:00 to 16:00',
      'every 2 hours synchronized',
      'every day 00:00',
      'every monday 09:00',
      '2nd,third mon,wed,thu of march 17:00',
      '1st monday of sep,oct,nov 17:00',
      'every monday of month 09:00',
      '1,15 of month 09:00',
      'every day of 2nd month of quarter 08:00',
    ]) {
      expect(covered).toContain(example);
    }
    expect(rows.filter((r) => r.filter).length).toBeGreaterThanOrEqual(15);
  });
});

describe('daylight saving time is the library’s, in the job’s zone', () => {
  test('a 02:30 job in America/Los_Angeles on the spring-forward day runs once, after the gap', () => {
    const runs = nextRuns({ cron: '30 2 * * *', timeZone: 'America/Los_Angeles' }, new Date('2026-03-07T12:00:00Z'), 3).map(iso);
    // 2026-03-08 02:30 does not exist in Los Angeles: croner runs it at 03:00 PDT (10:00Z), then 02:30 PDT.
    expect(runs).toEqual(['2026-03-08T10:00:00.000Z', '2026-03-09T09:30:00.000Z', '2026-03-10T09:30:00.000Z']);
  });

  test.each(['every 7 minutes', 'every 100 minutes', 'every 5 hours', 'every 48 hours', 'every 45 mins synchronized'])(
    '%s: the runs found by jumping to the next multiple are the line’s runs the filter keeps, across both changes',
    (schedule) => {
      const job = deployed(schedule);
      // Both of 2026's changes in Los Angeles: 02:00 PST is 03:00 PDT on March 8, 02:00 PDT is 01:00 PST on November 1.
      for (const [from, to] of [
        ['2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'],
        ['2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'],
      ].map(([a, b]) => [new Date(a), new Date(b)])) {
        const lineRuns = runsBetween({ cron: job.cron, timeZone }, from, to, 100_000);
        expect(runsBetween(job, from, to).map(iso)).toEqual(lineRuns.filter((run) => matchesCronFilter(job.filter!, run)).map(iso));
      }
    },
  );

  test('a wall-clock interval keeps its times of day across the change', () => {
    const job = deployed('every 90 minutes');
    // 2026-11-01 01:30 happens twice in Los Angeles; the filter reads the wall clock, which says 01:30 both times.
    const runs = nextRuns({ ...job, timeZone: 'America/Los_Angeles' }, new Date('2026-11-01T06:00:00Z'), 4).map(
      (d) => wallClock(d, 'America/Los_Angeles').minutes,
    );
    expect(runs.every((minutes) => minutes % 90 === 0)).toBe(true);
  });
});
