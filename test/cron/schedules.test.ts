/**
 * App Engine schedule strings, their unix-cron translation and next three runs in a fixed time
 * zone, driven by the table in test/fixtures/cron/schedules.json (rows with `error` have no exact
 * translation, or are not valid at all).
 */
import { describe, expect, test } from '@jest/globals';
import table from '../fixtures/cron/schedules.json';
import { nextRuns, ScheduleError, translateSchedule } from 'next-cloud-tasks/cron';

type Row = { schedule: string; cron?: string; next?: string[]; error?: string };
const rows = table.rows as Row[];
const from = new Date(table.from);

describe(`schedules in ${table.timeZone}, from ${table.from}`, () => {
  test.each(rows.filter((r) => r.cron).map((r) => [r.schedule, r] as const))('%s', (schedule, row) => {
    const { cron } = translateSchedule(schedule);
    expect(cron).toBe(row.cron);
    const runs = nextRuns(cron, table.timeZone, from, 3);
    expect(runs.map((d) => d.toISOString())).toEqual(row.next);
    // Consecutive: nothing fires between two listed runs.
    expect(nextRuns(cron, table.timeZone, runs[0], 1)[0].toISOString()).toBe(row.next![1]);
  });

  test.each(rows.filter((r) => r.error).map((r) => [r.schedule, r] as const))('%s is refused', (schedule, row) => {
    expect(() => translateSchedule(schedule)).toThrow(ScheduleError);
    expect(() => translateSchedule(schedule)).toThrow(row.error);
  });

  test('the table covers the issue’s examples, translated or refused', () => {
    const covered = rows.map((r) => r.schedule);
    for (const example of [
      'every 5 minutes',
      'every 2 hours from 10:00 to 14:00',
      'every day 09:00',
      'every monday,wednesday 09:00',
      '1st,3rd monday of sep,oct 17:00',
      'every 24 hours synchronized',
    ]) {
      expect(covered).toContain(example);
    }
  });
});

describe('daylight saving time is the library’s, in the job’s zone', () => {
  test('a 02:30 job in America/Los_Angeles on the spring-forward day runs once, after the gap', () => {
    const runs = nextRuns('30 2 * * *', 'America/Los_Angeles', new Date('2026-03-07T12:00:00Z'), 3).map((d) => d.toISOString());
    // 2026-03-08 02:30 does not exist in Los Angeles: croner runs it at 03:00 PDT (10:00Z), then 02:30 PDT.
    expect(runs).toEqual(['2026-03-08T10:00:00.000Z', '2026-03-09T09:30:00.000Z', '2026-03-10T09:30:00.000Z']);
  });
});
