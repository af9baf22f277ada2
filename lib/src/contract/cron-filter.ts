/**
 * The schedule filter of a cron.yaml job whose App Engine schedule no unix-cron line can say
 * (`1st monday of sep,oct,nov 17:00`, `every 7 minutes`, `every 5 minutes from 10:00 to 14:00`).
 * Such a job is deployed with the smallest unix-cron line that fires at every time the schedule
 * names, and this filter, in a header of the job, says which of the line's runs are the
 * schedule's. The app (the task handler for `function:` jobs, verifyCronRequest for `url:` jobs)
 * runs those and skips the rest; the emulator and the jest stub fire only those.
 *
 * Why a header and not cron.yaml at run time: Cloud Scheduler sends the job's headers with every
 * run, so the filter travels with the job that was deployed. The app needs no cron.yaml in its
 * image, cannot disagree with what was applied, and a job deployed from another revision of the
 * file is judged by its own schedule. The header is only trusted after the run's OIDC token is.
 */

/** The header a filtered job carries (Cloud Scheduler lets a job set any header but its own X-CloudScheduler-*). */
export const CRON_FILTER_HEADER = 'X-Deferred-Cron-Filter';

/**
 * Which of the unix-cron line's runs are the schedule's, judged on the run's schedule time in the
 * job's time zone. Every condition given must hold.
 */
export interface CronFilter {
  /** The job's time zone (IANA), in which the conditions are read. */
  timeZone: string;
  /** Weeks of the month, 1-5: day d is in week ceil(d / 7), so App Engine's "2nd monday" is the monday of days 8-14. */
  weeksOfMonth?: number[];
  /** Days of the week, 0 = Sunday. With `times` past midnight, the day its range began. */
  weekdays?: number[];
  /** Times of day: from `start`, every `every` minutes, up to `span` minutes later (both ends included; may pass midnight). */
  times?: { start: number; span: number; every: number };
  /** Every this many minutes of the wall clock, counted from 1970-01-01 00:00 in the time zone. */
  everyMinutes?: number;
}

const DAY = 1440;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A filter as its header's value: `tz=Europe/Paris; week=1,3; weekday=1; times=10:00-14:00/5; every=7`. */
export function encodeCronFilter(filter: CronFilter): string {
  const parts = [`tz=${filter.timeZone}`];
  if (filter.weeksOfMonth) parts.push(`week=${filter.weeksOfMonth.join(',')}`);
  if (filter.weekdays) parts.push(`weekday=${filter.weekdays.join(',')}`);
  if (filter.times) {
    const { start, span, every } = filter.times;
    parts.push(`times=${clock(start)}-${clock((start + span) % DAY)}/${every}`);
  }
  if (filter.everyMinutes) parts.push(`every=${filter.everyMinutes}`);
  return parts.join('; ');
}

/** A filter header's value; throws a TypeError that quotes the part it cannot read. */
export function decodeCronFilter(value: string): CronFilter {
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const match = /^\s*([a-z]+)=([^;]*?)\s*$/.exec(part);
    if (!match) throw new TypeError(`cannot read "${part.trim()}"`);
    fields.set(match[1], match[2]);
  }
  const list = (key: string, min: number, max: number) => {
    const text = fields.get(key);
    if (text === undefined) return undefined;
    const values = text.split(',').map(Number);
    if (!values.every((n) => Number.isInteger(n) && n >= min && n <= max))
      throw new TypeError(`${key}=${text} is not a list of ${min}-${max}`);
    return values;
  };
  const timeZone = fields.get('tz');
  if (!timeZone) throw new TypeError('it names no time zone (tz=...)');
  const filter: CronFilter = { timeZone };
  const weeksOfMonth = list('week', 1, 5);
  const weekdays = list('weekday', 0, 6);
  if (weeksOfMonth) filter.weeksOfMonth = weeksOfMonth;
  if (weekdays) filter.weekdays = weekdays;
  const times = fields.get('times');
  if (times !== undefined) {
    const match = /^(\d\d):(\d\d)-(\d\d):(\d\d)\/(\d+)$/.exec(times);
    if (!match || Number(match[5]) < 1) throw new TypeError(`times=${times} is not HH:MM-HH:MM/minutes`);
    const [start, end] = [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])];
    filter.times = { start, span: (end - start + DAY) % DAY, every: Number(match[5]) };
  }
  const every = fields.get('every');
  if (every !== undefined) {
    if (!/^\d+$/.test(every) || Number(every) < 1) throw new TypeError(`every=${every} is not a number of minutes`);
    filter.everyMinutes = Number(every);
  }
  return filter;
}

/** The filter in words, for plans and logs: "days 1-7 of the month", "from 10:00 to 14:00 every 5 minutes" (in its time zone). */
export function describeCronFilter(filter: CronFilter): string {
  const parts: string[] = [];
  if (filter.weeksOfMonth) {
    const days = filter.weeksOfMonth.map((w) => `${(w - 1) * 7 + 1}-${Math.min(w * 7, 31)}`);
    parts.push(`days ${days.join(', ')} of the month`);
  }
  if (filter.weekdays) parts.push(`on ${filter.weekdays.map((d) => WEEKDAYS[d]).join(',')}`);
  if (filter.times) {
    const { start, span, every } = filter.times;
    parts.push(`from ${clock(start)} to ${clock((start + span) % DAY)} every ${every} minutes`);
  }
  if (filter.everyMinutes) parts.push(`every ${filter.everyMinutes} minutes of the clock from 1970-01-01 00:00`);
  return parts.join(', ');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `at` in `timeZone`: date, minutes since midnight, day of the week (0 = Sunday). */
export function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; minutes: number; weekday: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    const options = { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' };
    format = new Intl.DateTimeFormat('en-US', options as Intl.DateTimeFormatOptions);
    formatters.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(at)) if (type !== 'literal') part[type] = Number(value);
  const weekday = new Date(Date.UTC(part.year, part.month - 1, part.day)).getUTCDay();
  return { year: part.year, month: part.month, day: part.day, minutes: part.hour * 60 + part.minute, weekday };
}

/** Wall-clock minutes from 1970-01-01 00:00 to the wall clock given (daylight saving ignored: it is the clock's count). */
export function wallMinutes(wall: { year: number; month: number; day: number; minutes: number }): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day) / 60_000 + wall.minutes;
}

/** Whether a run scheduled for `at` is one of the schedule's. */
export function matchesCronFilter(filter: CronFilter, at: Date): boolean {
  const wall = wallClock(at, filter.timeZone);
  let weekday = wall.weekday;
  if (filter.times) {
    const { start, span, every } = filter.times;
    const sinceStart = (wall.minutes - start + DAY) % DAY;
    if (sinceStart > span || sinceStart % every !== 0) return false;
    // A range past midnight belongs to the day it began on.
    if (wall.minutes < start) weekday = (weekday + 6) % 7;
  }
  if (filter.weekdays && !filter.weekdays.includes(weekday)) return false;
  if (filter.weeksOfMonth && !filter.weeksOfMonth.includes(Math.ceil(wall.day / 7))) return false;
  if (filter.everyMinutes && wallMinutes(wall) % filter.everyMinutes !== 0) return false;
  return true;
}

/** What the app does with a run of a cron job: run it, skip it (not the schedule's), or refuse a filter it cannot read. */
export type CronRunCheck = { run: true } | { run: false; reason: string } | { malformed: string };

/**
 * Judges a request of Cloud Scheduler (its token already verified): a job without a filter, and a
 * run without a schedule time (a forced run: the emulator's "Run now"), run.
 */
export function checkCronRun(headers: Headers, scheduleTime: Date | undefined): CronRunCheck {
  const value = headers.get(CRON_FILTER_HEADER);
  if (value === null || scheduleTime === undefined) return { run: true };
  let filter: CronFilter;
  try {
    filter = decodeCronFilter(value);
    wallClock(scheduleTime, filter.timeZone);
  } catch (error) {
    return {
      malformed: `the job's ${CRON_FILTER_HEADER} header "${value}" cannot be read (${(error as Error).message}): deploy cron.yaml again with next-cloud-tasks cron apply`,
    };
  }
  if (matchesCronFilter(filter, scheduleTime)) return { run: true };
  return {
    run: false,
    reason: `not scheduled now: ${scheduleTime.toISOString()} is not ${describeCronFilter(filter)} in ${filter.timeZone}`,
  };
}
