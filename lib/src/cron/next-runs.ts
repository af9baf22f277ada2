/**
 * When a unix-cron line fires, computed by croner (a maintained, dependency-free cron library)
 * rather than by us: time zones and daylight-saving changes are where home-made cron code breaks.
 * Day of month and day of week are OR-ed, as in Vixie cron and Cloud Scheduler.
 */
import { Cron } from 'croner';

function cronFor(cron: string, timeZone: string): Cron {
  return new Cron(cron, { timezone: timeZone, mode: '5-part', domAndDow: false });
}

/** The first `count` times after `after` (exclusive) at which `cron` fires in `timeZone`. */
export function nextRuns(cron: string, timeZone: string, after: Date, count: number): Date[] {
  return cronFor(cron, timeZone).nextRuns(count, after);
}

/** The next time after `after`, or undefined when the line never fires again. */
export function nextRun(cron: string, timeZone: string, after: Date): Date | undefined {
  return cronFor(cron, timeZone).nextRun(after) ?? undefined;
}

/** Every time in (from, to] at which `cron` fires, up to `limit` (a guard against `* * * * *` over a year). */
export function runsBetween(cron: string, timeZone: string, from: Date, to: Date, limit = 10_000): Date[] {
  const job = cronFor(cron, timeZone);
  const out: Date[] = [];
  let at: Date | null = from;
  while (out.length < limit && (at = job.nextRun(at)) && at.getTime() <= to.getTime()) out.push(at);
  return out;
}

/** Whether `timeZone` is a zone name Node's ICU knows (IANA names, UTC, Etc/GMT+5, ...). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
