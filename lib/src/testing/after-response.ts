import { runGuarded } from '../runtime/after-response.js';
import { applyLayer } from '../runtime/options-state.js';
import { aroundEachTest } from './jest-hooks.js';

export interface AfterResponseRun {
  /** How many callbacks ran (work scheduled while running included). */
  ran: number;
  /** What they threw; production logs these and carries on, and so does `runAll`. */
  errors: unknown[];
}

/** runAfterResponse's work, held for the test instead of going to Next's `after()`. */
export interface AfterResponseCollector {
  /** Work scheduled and not run yet, in scheduling order. */
  readonly callbacks: readonly (() => unknown)[];
  /** Runs the held work in order, as after the response: errors are logged, never thrown. */
  runAll(): Promise<AfterResponseRun>;
  /** Hands runAfterResponse back to Next's `after()`. */
  restore(): void;
}

class Collector implements AfterResponseCollector {
  private pending: (() => unknown)[] = [];
  private remove?: () => void;

  get callbacks(): readonly (() => unknown)[] {
    return [...this.pending];
  }

  start(): void {
    this.restore();
    this.pending = [];
    this.remove = applyLayer({ options: {}, doubles: { afterResponse: (work) => void this.pending.push(work) } });
  }

  async runAll(): Promise<AfterResponseRun> {
    const run: AfterResponseRun = { ran: 0, errors: [] };
    for (let work = this.pending.shift(); work; work = this.pending.shift()) {
      run.ran++;
      const current = work;
      await runGuarded(async () => {
        try {
          await current();
        } catch (error) {
          run.errors.push(error);
          throw error;
        }
      });
    }
    return run;
  }

  restore(): void {
    this.remove?.();
    this.remove = undefined;
  }
}

/**
 * Holds the work given to `runAfterResponse` from now on (Next's `after()` only works inside a
 * request). Call `restore()` when done, or use `setupAfterResponseCollector()` in jest.
 */
export function collectAfterResponse(): AfterResponseCollector {
  const collector = new Collector();
  collector.start();
  return collector;
}

/** The jest form: a fresh collector before each test of the file or describe block, restored after it. */
export function setupAfterResponseCollector(): AfterResponseCollector {
  const collector = new Collector();
  aroundEachTest(
    'setupAfterResponseCollector()',
    'collectAfterResponse()',
    () => collector.start(),
    () => collector.restore(),
  );
  return collector;
}
