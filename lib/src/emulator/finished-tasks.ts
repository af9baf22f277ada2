/**
 * The final outcome of recent tasks (ran, or dead-lettered), so that a test or a script can wait
 * for a task without racing it: a fast task often finishes before the createTask call that made
 * it has returned, and an event listener added afterwards would wait forever.
 */
import type { Dispatcher } from './dispatcher.js';
import type { TaskRecord } from './model.js';

export interface FinishedTask {
  kind: 'success' | 'dead';
  task: TaskRecord;
  /** HTTP status of the last attempt (undefined if it got no answer). */
  status?: number;
  /** Why it was dead-lettered. */
  reason?: string;
}

/** Enough for any test; the oldest are forgotten first. */
const KEEP = 10_000;
/**
 * Forgotten a thousand at a time, with one iterator: forgetting the oldest one by one
 * (`keys().next()` per outcome) walked past every entry deleted since the Map last rehashed,
 * ~12 us per finished task at fan-out rates, a tenth of the emulator's dispatch CPU.
 */
const FORGET_AT_ONCE = 1000;

export class FinishedTaskRecorder {
  private readonly outcomes = new Map<string, FinishedTask>();
  private readonly waiters = new Map<string, ((outcome: FinishedTask) => void)[]>();

  constructor(dispatcher: Dispatcher) {
    dispatcher.on('task:success', ({ task, status }) => this.record({ kind: 'success', task, status }));
    dispatcher.on('task:dead', ({ task, reason }) => this.record({ kind: 'dead', task, status: task.lastAttempt?.httpStatus, reason }));
  }

  private record(outcome: FinishedTask): void {
    const { name } = outcome.task;
    this.outcomes.delete(name); // a replayed task's newest outcome counts
    this.outcomes.set(name, outcome);
    if (this.outcomes.size > KEEP + FORGET_AT_ONCE) {
      let forget = FORGET_AT_ONCE;
      for (const oldest of this.outcomes.keys()) {
        this.outcomes.delete(oldest);
        if (--forget === 0) break;
      }
    }
    for (const resolve of this.waiters.get(name) ?? []) resolve(outcome);
    this.waiters.delete(name);
  }

  /** Resolves with the task's outcome, whether it came already or comes later. */
  waitFor(name: string, timeoutMs: number): Promise<FinishedTask> {
    const known = this.outcomes.get(name);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.set(
          name,
          (this.waiters.get(name) ?? []).filter((w) => w !== done),
        );
        reject(new Error(`task ${name} neither ran nor was dead-lettered within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (outcome: FinishedTask) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.waiters.set(name, [...(this.waiters.get(name) ?? []), done]);
    });
  }
}
