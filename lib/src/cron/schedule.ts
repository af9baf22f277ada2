/**
 * A cron.yaml `schedule` to the unix-cron line Cloud Scheduler runs. App Engine's English-like
 * schedules are translated only where one unix-cron line fires at exactly the same times; where
 * none does, the error says why and what to write instead. A unix-cron line is checked and kept.
 */
import { DAY_OF_MONTH, DAY_OF_WEEK, formatField, HOUR, MINUTE, MONTH, type FieldRange } from './cron-fields.js';
import { GrocSyntaxError, parseGroc, type GrocInterval, type GrocSpecificTime } from './groc.js';

export interface ScheduleTranslation {
  /** The unix-cron line, five fields separated by single spaces. */
  cron: string;
  /** How cron.yaml wrote it. */
  format: 'app-engine' | 'unix-cron';
}

/**
 * A schedule that cannot be used: `syntax` (App Engine would refuse it too), `inexact` (valid App
 * Engine, but no unix-cron line fires at the same times) or `cron` (a malformed unix-cron line).
 */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
  constructor(
    readonly kind: 'syntax' | 'inexact' | 'cron',
    message: string,
  ) {
    super(message);
  }
}

const DAY = 1440;
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const inexact = (message: string) => new ScheduleError('inexact', message);

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
  const cron = parsed.kind === 'interval' ? translateInterval(parsed, trimmed) : translateSpecificTime(parsed, trimmed);
  return { cron, format: 'app-engine' };
}

/** The times of day (minutes since midnight) an interval schedule fires at, every day it runs. */
function intervalTimes(s: GrocInterval, text: string): number[] {
  const times: number[] = [];
  if (s.range) {
    // App Engine restarts the count at `from` each day and includes `to` itself; a range may cross midnight.
    const span = (s.range.end - s.range.start + DAY) % DAY;
    for (let t = 0; t <= span; t += s.minutes) times.push((s.range.start + t) % DAY);
    if (s.weekdays && s.range.start + span >= DAY) {
      throw inexact(
        `"${text}" runs past midnight on the days it names, and unix-cron ties each run to the day it happens on: split it into two jobs, before and after midnight`,
      );
    }
    return times;
  }
  if (s.minutes > DAY || DAY % s.minutes !== 0) {
    const every = s.minutes % 60 === 0 ? `${s.minutes / 60} hours` : `${s.minutes} minutes`;
    throw inexact(
      `"${text}": App Engine counts ${every} from the previous run, but unix-cron starts counting again every hour and every day, so no cron line runs every ${every}. ` +
        'Use an interval that divides 24 hours evenly (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes; 1, 2, 3, 4, 6, 8, 12 or 24 hours), or write the unix-cron line you want',
    );
  }
  for (let t = 0; t < DAY; t += s.minutes) times.push(t);
  return times;
}

/** `times` as one minute field and one hour field, when every hour they touch has the same minutes. */
function asMinutesTimesHours(times: number[]): { minutes: number[]; hours: number[] } | { hour: number; other: number } {
  const byHour = new Map<number, number[]>();
  for (const t of [...times].sort((a, b) => a - b)) byHour.set(Math.floor(t / 60), [...(byHour.get(Math.floor(t / 60)) ?? []), t % 60]);
  const hours = [...byHour.keys()];
  const first = byHour.get(hours[0])!;
  const other = hours.find((h) => byHour.get(h)!.join(',') !== first.join(','));
  return other === undefined ? { minutes: first, hours } : { hour: hours[0], other };
}

function translateInterval(s: GrocInterval, text: string): string {
  const times = intervalTimes(s, text);
  const dow = s.weekdays ? formatField(s.weekdays, DAY_OF_WEEK) : '*';
  const split = asMinutesTimesHours(times);
  if ('minutes' in split) return `${formatField(split.minutes, MINUTE)} ${formatField(split.hours, HOUR)} * * ${dow}`;
  const shown = times.slice(0, 4).map(clock).join(', ');
  let hint = 'split it into jobs whose hours each run at the same minutes, or write the unix-cron line you want';
  if (s.range) {
    // The usual case: `to` adds one lone run at the top of the last hour (`every 5 minutes from 10:00 to 14:00`).
    const lastHour = Math.floor(times.at(-1)! / 60);
    const kept = times.filter((t) => Math.floor(t / 60) !== lastHour);
    const fixed = kept.length > 0 ? asMinutesTimesHours(kept) : undefined;
    if (fixed && 'minutes' in fixed) {
      hint = `end the range at ${clock(kept.at(-1)!)} ("every ${s.minutes} minutes from ${clock(s.range.start)} to ${clock(kept.at(-1)!)}" is "${formatField(fixed.minutes, MINUTE)} ${formatField(fixed.hours, HOUR)} * * ${dow}"), or ${hint}`;
    }
  }
  throw inexact(
    `"${text}" fires at ${shown}, ...: hour ${split.other} does not run at the same minutes as hour ${split.hour}, and a unix-cron line can only pair one set of minutes with a set of hours. To keep these times exactly, ${hint}`,
  );
}

/** Days of the month covered by "1st", "2nd", ... occurrences of a weekday: 1-7, 8-14, 15-21, 22-28, 29-31. */
const ordinalDays = (ordinals: number[]) =>
  ordinals.flatMap((n) => Array.from({ length: 7 }, (_, i) => (n - 1) * 7 + i + 1).filter((d) => d <= 31));

function translateSpecificTime(s: GrocSpecificTime, text: string): string {
  const head = `${s.time % 60} ${Math.floor(s.time / 60)}`;
  const month = formatField(s.months, MONTH);
  if (s.monthdays) return `${head} ${formatField(s.monthdays, DAY_OF_MONTH)} ${month} *`;
  const ordinals = s.ordinals!;
  const weekdays = s.weekdays!;
  if (ordinals.length === 5) return `${head} * ${month} ${formatField(weekdays, DAY_OF_WEEK)}`;
  if (weekdays.length === 7) return `${head} ${formatField(ordinalDays(ordinals), DAY_OF_MONTH)} ${month} *`;
  const names = weekdays.map((d) => WEEKDAY_NAMES[d]).join(',');
  throw inexact(
    `"${text}" means the ${ordinals.map((n) => ['1st', '2nd', '3rd', '4th', '5th'][n - 1]).join(',')} ${names} of the month, which no unix-cron line can say: ` +
      `cron runs a job when the day of the month OR the day of the week matches, never only when both do. ` +
      `Schedule it every ${names} ("${head} * ${month} ${formatField(weekdays, DAY_OF_WEEK)}") and return early in the handler unless ` +
      `Math.ceil(day of month / 7) is ${ordinals.join(' or ')}`,
  );
}

// --- unix-cron ---

const FIELDS: { name: string; range: FieldRange; names?: string[] }[] = [
  { name: 'minute', range: MINUTE },
  { name: 'hour', range: HOUR },
  { name: 'day of month', range: DAY_OF_MONTH },
  { name: 'month', range: MONTH, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too, as in Vixie cron.
  { name: 'day of week', range: { min: 0, max: 7 }, names: WEEKDAY_NAMES },
];

const ELEMENT = /^(\*|([0-9a-z]+)(?:-([0-9a-z]+))?)(?:\/(\d+))?$/;

/** Checks a five-field line with Cloud Scheduler's unix-cron rules; returns it with single spaces. */
export function checkUnixCron(text: string): string {
  const fields = text.trim().split(/\s+/);
  const bad = (message: string) => new ScheduleError('cron', `unix-cron "${text.trim()}": ${message}`);
  if (fields.length === 6)
    throw bad('Cloud Scheduler has no seconds (or years) field: write five fields, minute hour day-of-month month day-of-week');
  if (fields.length !== 5) throw bad(`needs five fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  fields.forEach((field, index) => {
    const spec = FIELDS[index];
    for (const element of field.toLowerCase().split(',')) {
      const match = ELEMENT.exec(element);
      if (/[?#]|^\d*[lw]$/.test(element))
        throw bad(`the ${spec.name} field "${field}" uses a Quartz extension (?, L, W, #) that unix-cron does not have`);
      if (!match) throw bad(`the ${spec.name} field "${field}" is not a value, a range a-b, * or a step /n`);
      const value = (word: string) => {
        const named = spec.names?.indexOf(word) ?? -1;
        const n = /^\d+$/.test(word) ? Number(word) : named >= 0 ? named + (spec.name === 'month' ? 1 : 0) : NaN;
        if (Number.isNaN(n) || n < spec.range.min || n > spec.range.max) {
          throw bad(
            `the ${spec.name} field "${field}": "${word}" is not from ${spec.range.min} to ${spec.range.max}${spec.names ? ` (or ${spec.names[0]}-${spec.names.at(-1)})` : ''}`,
          );
        }
        return n;
      };
      if (match[2] !== undefined) {
        const low = value(match[2]);
        if (match[3] !== undefined && value(match[3]) < low)
          throw bad(`the ${spec.name} field "${field}": the range ${match[2]}-${match[3]} runs backwards`);
      }
      if (match[4] !== undefined && Number(match[4]) < 1) throw bad(`the ${spec.name} field "${field}": a step must be 1 or more`);
    }
  });
  return fields.join(' ');
}
