/**
 * When a job runs: the times its unix-cron line fires, computed by croner (a maintained,
 * dependency-free cron library) rather than by us, since time zones and daylight-saving changes
 * are where home-made cron code breaks; day of month and day of week are OR-ed, as in Vixie cron
 * and Cloud Scheduler. A job with a filter (an App Engine schedule no line can say) runs only at
 * the line's times the filter keeps: what the app does, and what the emulator and the stub fire.
 */
import { Cron } from 'croner';
import { matchesCronFilter, wallClock, wallMinutes, type CronFilter } from '../contract/cron-filter.js';

/** A job's schedule as it runs. CronJobDefinition fits. */
export interface JobSchedule {
  /** The unix-cron line. */
  cron: string;
  timeZone: string;
  /** Which of the line's runs are the schedule's, when it fires more often. */
  filter?: CronFilter;
}

/** How many of the line's runs one search looks at before it says the schedule never runs again. */
const MAX_CANDIDATES = 100_000;
function cronFor(cron: string, timeZone: string): Cron {
  return new Cron(cron, { timezone: timeZone, mode: '5-part', domAndDow: false });
}

const HOUR_MS = 3_600_000;
const wallAt = (at: number, timeZone: string) => wallMinutes(wallClock(new Date(at), timeZone));

/**
 * The first instant whose wall clock in `timeZone` reads `wall` (minutes from 1970-01-01 00:00),
 * searched from `guess`; in a spring-forward gap, where none does, an instant before the gap.
 */
function instantOfWall(wall: number, timeZone: string, guess: number): number {
  const tried: number[] = [];
  for (let at = guess; tried.length < 4;) {
    const off = wall - wallAt(at, timeZone);
    if (off === 0) {
      // Of the two instants a fall-back gives one wall time, the first.
      for (const back of [HOUR_MS, HOUR_MS / 2]) if (wallAt(at - back, timeZone) === wall) return at - back;
      return at;
    }
    tried.push(at);
    at += off * 60_000;
  }
  return Math.min(...tried);
}

/**
 * Where to search from for an `everyMinutes` filter's next run: a minute before the interval's
 * next multiple on the wall clock, where its line fires, rather than through each of the line's
 * runs in between (`every 48 hours` keeps one of two daily runs, `every 7 minutes` one of seven).
 * Within an hour of a fall-back the search takes each run instead: the clock may read the
 * multiples it has passed once more.
 */
function jumpAhead(at: Date, filter: CronFilter): Date {
  const { everyMinutes: every, timeZone } = filter;
  const wall = wallAt(at.getTime(), timeZone);
  if (wallAt(at.getTime() + HOUR_MS, timeZone) < wall + 60) return at;
  const next = (Math.floor(wall / every!) + 1) * every!;
  const before = instantOfWall(next, timeZone, at.getTime() + (next - wall) * 60_000) - 60_000;
  return before > at.getTime() ? new Date(before) : at;
}

/**
 * The schedule's runs after `after` (exclusive), in order: the line's runs its filter keeps. Ends
 * when the line never fires again, or when MAX_CANDIDATES runs of the line in a row are not the schedule's.
 */
function* runsAfter(schedule: JobSchedule, after: Date): Generator<Date> {
  const line = cronFor(schedule.cron, schedule.timeZone);
  const { filter } = schedule;
  let at: Date | null = after;
  for (let misses = 0; misses < MAX_CANDIDATES; misses++) {
    at = line.nextRun(filter?.everyMinutes ? jumpAhead(at, filter) : at);
    if (!at) return;
    if (filter && !matchesCronFilter(filter, at)) continue;
    misses = -1;
    yield at;
  }
}

/** The schedule's next run after `after` (exclusive), or undefined when it never runs again. */
export function nextRun(schedule: JobSchedule, after: Date): Date | undefined {
  return runsAfter(schedule, after).next().value ?? undefined;
}

/** The schedule's first `count` runs after `after` (exclusive). */
export function nextRuns(schedule: JobSchedule, after: Date, count: number): Date[] {
  const runs: Date[] = [];
  for (const at of runsAfter(schedule, after)) {
    if (runs.length === count) break;
    runs.push(at);
  }
  return runs;
}

/** Every run in (from, to], up to `limit` (a guard against `* * * * *` over a year). */
export function runsBetween(schedule: JobSchedule, from: Date, to: Date, limit = 10_000): Date[] {
  const runs: Date[] = [];
  for (const at of runsAfter(schedule, from)) {
    if (at.getTime() > to.getTime() || runs.length === limit) break;
    runs.push(at);
  }
  return runs;
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
