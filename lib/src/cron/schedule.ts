/**
 * A cron.yaml `schedule` to what Cloud Scheduler runs: one unix-cron line and, when that line
 * cannot say the schedule exactly, the filter that picks the schedule's runs out of the line's
 * (contract/cron-filter.ts). The line is then the smallest one that fires at every time the
 * schedule names. A unix-cron line is checked and kept.
 *
 * What needs a filter, with App Engine's meaning (groctimespecification.py):
 * - an ordinal weekday (`1st,3rd monday of sep,oct`): unix-cron ORs day of month and day of week,
 *   so the line says one of the two and the filter the other;
 * - an interval whose runs are not the same minutes of every hour (`every 90 minutes`, `every 5
 *   minutes from 10:00 to 14:00`, which runs at 14:00 but not 14:05), or that does not divide a
 *   day (`every 7 minutes`, `every 48 hours`). App Engine counts an interval without `from ... to`
 *   from the previous run; here the runs are every N minutes of the wall clock counted from
 *   1970-01-01 00:00 in the job's zone: N minutes apart, and for an interval that divides a day,
 *   the same times every day, as the exact translations run.
 */
import type { CronFilter } from '../contract/cron-filter.js';
import { DAY_OF_MONTH, DAY_OF_WEEK, formatField, HOUR, MINUTE, MONTH } from './cron-fields.js';
import { GrocSyntaxError, parseGroc, type GrocInterval, type GrocSpecificTime } from './groc.js';
import { ScheduleError } from './schedule-error.js';
import { checkUnixCron } from './unix-cron.js';

export { ScheduleError };

export interface ScheduleTranslation {
  /** The unix-cron line, five fields separated by single spaces. */
  cron: string;
  /** How cron.yaml wrote it. */
  format: 'app-engine' | 'unix-cron';
  /** Set when the line fires more often than the schedule: the runs to keep (in the job's time zone). */
  filter?: Omit<CronFilter, 'timeZone'>;
}

type Translated = Omit<ScheduleTranslation, 'format'>;

const DAY = 1440;
const ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

/** Translates or checks `text`; throws ScheduleError. */
export function translateSchedule(text: string): ScheduleTranslation {
  const trimmed = String(text).trim();
  if (/^[\d*]/.test(trimmed) && !trimmed.includes(':')) return { cron: checkUnixCron(trimmed), format: 'unix-cron' };
  if (trimmed.startsWith('@')) {
    throw new ScheduleError('cron', `"${trimmed}": Cloud Scheduler takes no @-macros; write the five fields (e.g. "0 0 * * *" for @daily)`);
  }
  let parsed;
  try {
    parsed = parseGroc(trimmed);
  } catch (error) {
    if (error instanceof GrocSyntaxError) throw new ScheduleError('syntax', `schedule "${trimmed}" failed to parse: ${error.message}`);
    throw error;
  }
  const translated = parsed.kind === 'interval' ? translateInterval(parsed) : translateSpecificTime(parsed);
  return { ...translated, format: 'app-engine' };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The smallest line with one minute field and one hour field that fires at every time of day in `times`, and whether it fires at no other. */
function lineFor(times: number[], dow: string): { cron: string; exact: boolean } {
  const minutes = new Set(times.map((t) => t % 60));
  const hours = new Set(times.map((t) => Math.floor(t / 60)));
  const cron = `${formatField([...minutes], MINUTE)} ${formatField([...hours], HOUR)} * * ${dow}`;
  return { cron, exact: minutes.size * hours.size === new Set(times).size };
}

function translateInterval(s: GrocInterval): Translated {
  const weekdays = s.weekdays ?? ALL_WEEKDAYS;
  if (s.range) {
    // App Engine restarts the count at `from` each day and includes `to` itself; a range may pass midnight.
    const { start, end } = s.range;
    const span = (end - start + DAY) % DAY;
    const times: number[] = [];
    for (let t = 0; t <= span; t += s.minutes) times.push((start + t) % DAY);
    // Past midnight, a run belongs to the day its range began: the line also fires the day after.
    const pastMidnight = s.weekdays !== undefined && start + span >= DAY;
    const days = pastMidnight ? [...new Set([...weekdays, ...weekdays.map((d) => (d + 1) % 7)])] : weekdays;
    const line = lineFor(times, formatField(days, DAY_OF_WEEK));
    if (line.exact && !pastMidnight) return { cron: line.cron };
    return { cron: line.cron, filter: { times: { start, span, every: s.minutes }, ...(pastMidnight && { weekdays }) } };
  }
  // Every N minutes of the wall clock: the times of day it ever reaches are the multiples of gcd(N, a day).
  const step = gcd(s.minutes, DAY);
  const times = Array.from({ length: DAY / step }, (_, i) => i * step);
  const line = lineFor(times, formatField(weekdays, DAY_OF_WEEK));
  if (line.exact && step === s.minutes) return { cron: line.cron };
  return { cron: line.cron, filter: { everyMinutes: s.minutes } };
}

/** Days of the month covered by "1st", "2nd", ... occurrences of a weekday: 1-7, 8-14, 15-21, 22-28, 29-31. */
const ordinalDays = (ordinals: number[]) =>
  ordinals.flatMap((n) => Array.from({ length: 7 }, (_, i) => (n - 1) * 7 + i + 1).filter((d) => d <= 31));

const daysIn = (month: number) => new Date(Date.UTC(2025, month, 0)).getUTCDate();

function translateSpecificTime(s: GrocSpecificTime): Translated {
  const head = `${s.time % 60} ${Math.floor(s.time / 60)}`;
  const month = formatField(s.months, MONTH);
  if (s.monthdays) return { cron: `${head} ${formatField(s.monthdays, DAY_OF_MONTH)} ${month} *` };
  const ordinals = s.ordinals!;
  const weekdays = s.weekdays!;
  const days = ordinalDays(ordinals);
  const byWeekday = `${head} * ${month} ${formatField(weekdays, DAY_OF_WEEK)}`;
  const byMonthday = `${head} ${formatField(days, DAY_OF_MONTH)} ${month} *`;
  if (ordinals.length === 5) return { cron: byWeekday };
  if (weekdays.length === 7) return { cron: byMonthday };
  // Unix-cron cannot AND the two day fields: the line says the one that fires less, the filter the other.
  const firesByWeekday = s.months.reduce((sum, m) => sum + (daysIn(m) * weekdays.length) / 7, 0);
  const firesByMonthday = s.months.reduce((sum, m) => sum + days.filter((d) => d <= daysIn(m)).length, 0);
  return firesByWeekday <= firesByMonthday
    ? { cron: byWeekday, filter: { weeksOfMonth: ordinals } }
    : { cron: byMonthday, filter: { weekdays } };
}
