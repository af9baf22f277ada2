/**
 * The stub's own clock. It stands still until a test moves it, so task ETAs and backoffs are
 * exact numbers; it never touches `Date.now()` or timers (jest fake timers would stall msw and
 * any real async code under test).
 */
export interface VirtualClock {
  /** The stub's current time. */
  now(): Date;
  /** Moves the clock `seconds` ahead (>= 0; fractions allowed). */
  advance(seconds: number): void;
  /** Moves the clock to `date`; a date before `now()` is refused (time does not go back). */
  advanceTo(date: Date): void;
}

export interface ResettableClock extends VirtualClock {
  /** Puts the clock back at `start` (the stub does this on install). */
  reset(start: Date): void;
}

export function createVirtualClock(start: Date = new Date()): ResettableClock {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advance(seconds) {
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        throw new RangeError(`clock.advance() takes a number of seconds >= 0, got ${String(seconds)}`);
      }
      nowMs += seconds * 1000;
    },
    advanceTo(date) {
      const target = date instanceof Date ? date.getTime() : NaN;
      if (Number.isNaN(target)) throw new RangeError('clock.advanceTo() takes a valid Date');
      if (target < nowMs) {
        throw new RangeError(
          `clock.advanceTo(${date.toISOString()}) is before the clock's time ${new Date(nowMs).toISOString()}: the virtual clock only moves forward`,
        );
      }
      nowMs = target;
    },
    reset(next) {
      nowMs = next.getTime();
    },
  };
}
