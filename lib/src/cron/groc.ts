/**
 * App Engine's English-like schedule language ("groc": `every 5 minutes`, `every monday 09:00`,
 * `1st,3rd monday of sep,oct 17:00`) parsed into data, with the grammar and meanings of App
 * Engine's own parser (google.appengine.cron groc.py / groctimespecification.py). Turning that
 * data into unix-cron is schedule.ts's job.
 */

/** An interval schedule: `every N hours|minutes [from HH:MM to HH:MM | synchronized] [on <weekdays>]`. */
export interface GrocInterval {
  kind: 'interval';
  /** The interval in minutes (`every 2 hours` is 120). */
  minutes: number;
  /** `from A to B`, in minutes since midnight; both ends included, as App Engine runs them. */
  range?: { start: number; end: number };
  synchronized: boolean;
  /** `on mon,wed`: 0 = Sunday ... 6 = Saturday. */
  weekdays?: number[];
}

/** A specific-time schedule: `(every|1st,3rd) (day|mon,wed) [of (month|jan,feb|quarter)] HH:MM`, or `1,15 of month HH:MM`. */
export interface GrocSpecificTime {
  kind: 'specific';
  /** Minutes since midnight. */
  time: number;
  /** 1 = January ... 12. */
  months: number[];
  /** Days of the month (1-31), when the schedule names them (`1,15 of month`, `2nd day of month`). */
  monthdays?: number[];
  /** Which occurrences of the weekdays in the month, 1-5 (`every` = all five). */
  ordinals?: number[];
  /** 0 = Sunday ... 6 = Saturday. */
  weekdays?: number[];
}

export type GrocSchedule = GrocInterval | GrocSpecificTime;

/** A schedule App Engine would refuse; the message says where and what it expected. */
export class GrocSyntaxError extends Error {
  override name = 'GrocSyntaxError';
}

const ALL_ORDINALS = [1, 2, 3, 4, 5];
const ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

const ORDINALS: Record<string, number> = {
  '1st': 1,
  first: 1,
  '2nd': 2,
  second: 2,
  '3rd': 3,
  third: 3,
  '4th': 4,
  fourth: 4,
  '5th': 5,
  fifth: 5,
};
const WEEKDAY_PREFIXES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** App Engine takes each name's first three letters, or the whole name. */
const weekdayOf = (word: string) => {
  const at = WEEKDAY_PREFIXES.indexOf(word);
  return at >= 0 ? at : WEEKDAY_NAMES.indexOf(word);
};
const monthOf = (word: string) => {
  const at = MONTH_NAMES.findIndex((name) => name === word || name.slice(0, 3) === word);
  return at >= 0 ? at + 1 : -1;
};

/** `9:00`, `09:00`, `23:59` (hours 0-23, minutes 00-59), in minutes since midnight. */
function parseTime(word: string | undefined): number | undefined {
  const match = word === undefined ? null : /^(\d{1,2}):([0-5]\d)$/.exec(word);
  if (!match || Number(match[1]) > 23) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

class Tokens {
  private at = 0;
  constructor(private readonly words: string[]) {}
  peek(offset = 0): string | undefined {
    return this.words[this.at + offset];
  }
  next(): string | undefined {
    return this.words[this.at++];
  }
  done(): boolean {
    return this.at >= this.words.length;
  }
  /** A comma-separated list of items that `read` accepts (undefined for the first one that does not fit). */
  list<T>(read: (word: string) => T | undefined): T[] {
    const out: T[] = [];
    for (;;) {
      const value = read(this.peek() ?? '');
      if (value === undefined) return out;
      this.next();
      out.push(value);
      if (this.peek() !== ',') return out;
      this.next();
    }
  }
}

const fail = (expected: string, got: string | undefined): never => {
  throw new GrocSyntaxError(`expected ${expected}, got ${got === undefined ? 'the end of the schedule' : `"${got}"`}`);
};

function parseInterval(tokens: Tokens): GrocInterval {
  tokens.next(); // every
  const count = tokens.next();
  if (!count || !/^\d{1,5}$/.test(count)) fail('a number of hours or minutes after "every"', count);
  const unit = tokens.next();
  if (unit !== 'hours' && unit !== 'minutes' && unit !== 'mins') fail('"hours", "minutes" or "mins"', unit);
  const n = Number(count);
  if (n < 1) throw new GrocSyntaxError('interval must be greater than zero');
  const schedule: GrocInterval = { kind: 'interval', minutes: unit === 'hours' ? n * 60 : n, synchronized: false };
  if (tokens.peek() === 'from') {
    tokens.next();
    const start = parseTime(tokens.next());
    if (start === undefined) fail('a start time like 10:00 after "from"', tokens.peek(-1));
    if (tokens.next() !== 'to') fail('"to"', tokens.peek(-1));
    const end = parseTime(tokens.next());
    if (end === undefined) fail('an end time like 14:00 after "to"', tokens.peek(-1));
    schedule.range = { start: start!, end: end! };
  } else if (tokens.peek() === 'synchronized') {
    tokens.next();
    schedule.synchronized = true;
    if (schedule.minutes > 1440 || 1440 % schedule.minutes !== 0) {
      throw new GrocSyntaxError('can only use synchronized for periods that divide evenly into 24 hours');
    }
  }
  if (tokens.peek() === 'on') {
    tokens.next();
    schedule.weekdays = parseWeekdays(tokens, undefined).weekdays;
  }
  if (!tokens.done()) fail('the end of the schedule (or "from ... to ...", "synchronized", "on <days>")', tokens.peek());
  return schedule;
}

/** `day` or `mon,wed`; `<ordinal> day` means days of the month (App Engine: "2nd day of month" is the 2nd). */
function parseWeekdays(tokens: Tokens, ordinals: number[] | undefined): { weekdays?: number[]; monthdays?: number[] } {
  if (tokens.peek() === 'day') {
    tokens.next();
    return ordinals ? { monthdays: ordinals } : { weekdays: ALL_WEEKDAYS };
  }
  const weekdays = tokens.list((word) => (weekdayOf(word) >= 0 ? weekdayOf(word) : undefined));
  if (weekdays.length === 0) fail('"day" or a weekday (mon, tuesday, ...)', tokens.peek());
  return { weekdays };
}

function parseMonthspec(tokens: Tokens): number[] {
  const word = tokens.peek();
  if (word === 'month') {
    tokens.next();
    return ALL_MONTHS;
  }
  if (word === 'quarter') {
    tokens.next();
    return [1, 4, 7, 10];
  }
  if (word !== undefined && monthOf(word) > 0) return tokens.list((w) => (monthOf(w) > 0 ? monthOf(w) : undefined));
  // `1st,3rd month of quarter`: those months of each quarter.
  const offsets = tokens.list((w) => (ORDINALS[w] !== undefined && ORDINALS[w] <= 3 ? ORDINALS[w] : undefined));
  if (offsets.length === 0) fail('"month", "quarter", a month (jan, february, ...) or "1st month of quarter"', word);
  if (tokens.next() !== 'month') fail('"month" (as in "2nd month of quarter")', tokens.peek(-1));
  if (tokens.next() !== 'of') fail('"of" (as in "2nd month of quarter")', tokens.peek(-1));
  if (tokens.next() !== 'quarter') fail('"quarter"', tokens.peek(-1));
  return offsets.flatMap((offset) => [1, 4, 7, 10].map((first) => first + offset - 1));
}

function parseSpecificTime(tokens: Tokens): GrocSpecificTime {
  let ordinals: number[] | undefined;
  let days: { weekdays?: number[]; monthdays?: number[] };
  const first = tokens.peek();
  if (first !== undefined && /^\d{1,2}$/.test(first)) {
    const monthdays = tokens.list((word) => (/^\d{1,2}$/.test(word) ? Number(word) : undefined));
    days = { monthdays };
    if (tokens.peek() !== 'of') fail('"of" after days of the month (as in "1,15 of month 09:00")', tokens.peek());
  } else {
    if (first === 'every') {
      tokens.next();
      ordinals = ALL_ORDINALS;
    } else {
      ordinals = tokens.list((word) => ORDINALS[word]);
      if (ordinals.length === 0) fail('"every", a number, or an ordinal (1st, second, ...)', first);
    }
    days = parseWeekdays(tokens, first === 'every' ? undefined : ordinals);
  }
  let months = ALL_MONTHS;
  if (tokens.peek() === 'of') {
    tokens.next();
    months = parseMonthspec(tokens);
  }
  const timeWord = tokens.next();
  const time = parseTime(timeWord);
  if (time === undefined) fail('a time of day like 09:00 (24-hour clock)', timeWord);
  if (!tokens.done()) fail('the end of the schedule after the time', tokens.peek());
  const schedule: GrocSpecificTime = { kind: 'specific', time: time!, months: [...new Set(months)].sort((a, b) => a - b) };
  if (days.monthdays) {
    const monthdays = [...new Set(days.monthdays)].sort((a, b) => a - b);
    if (monthdays[0] < 1) throw new GrocSyntaxError('day of month must be greater than 0');
    if (monthdays.at(-1)! > 31) throw new GrocSyntaxError('day of month must be less than 32');
    // Valid if the smallest day exists in at least one of the months (a leap year counts).
    const daysIn = (month: number) => new Date(Date.UTC(2024, month, 0)).getUTCDate();
    if (!schedule.months.some((month) => monthdays[0] <= daysIn(month))) {
      throw new GrocSyntaxError(`invalid day of month: day ${monthdays[0]} is in none of the months named`);
    }
    schedule.monthdays = monthdays;
  } else {
    schedule.ordinals = [...new Set(ordinals)].sort((a, b) => a - b);
    schedule.weekdays = [...new Set(days.weekdays)].sort((a, b) => a - b);
  }
  return schedule;
}

/** Parses an App Engine schedule (case and extra spaces do not matter); throws GrocSyntaxError. */
export function parseGroc(text: string): GrocSchedule {
  const words = text.toLowerCase().match(/,|[^\s,]+/g) ?? [];
  const tokens = new Tokens(words);
  if (tokens.done()) throw new GrocSyntaxError('the schedule is empty');
  // `every` + a number is an interval; `every` + a day is a specific time (groc.py decides the same way).
  if (tokens.peek() === 'every' && /^\d+$/.test(tokens.peek(1) ?? '')) return parseInterval(tokens);
  return parseSpecificTime(tokens);
}
