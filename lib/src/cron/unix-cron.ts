/**
 * A unix-cron line as cron.yaml may write it (`0 9 * * 1-5`), checked with Cloud Scheduler's rules:
 * five fields, values in range, no Quartz extensions. The line is kept as written, spaces folded.
 */
import { DAY_OF_MONTH, HOUR, MINUTE, MONTH, type FieldRange } from './cron-fields.js';
import { ScheduleError } from './schedule-error.js';

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

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
