/**
 * What the deploy core (plan, apply, check, formatting) needs to know about one kind of resource:
 * a Cloud Tasks queue (queues/queue-resource.ts) or a Cloud Scheduler job (cron/job-resource.ts).
 * Everything else about deploying a YAML file is the same for both.
 */
import { formatSeconds } from './units.js';

/** One field whose live value differs from the file's, old -> new, as the plan shows it. */
export interface FieldChange<Field extends string = string> {
  field: Field;
  from: string | number;
  to: string | number;
}

/**
 * The calls a deploy makes, whatever speaks to the API (the real client in REST mode, the
 * emulator, or a fake in tests). Names are short ids (`mail`, `daily-summary`).
 */
export interface DeployAdmin<Desired, Live> {
  list(): Promise<Live[]>;
  create(desired: Desired): Promise<void>;
  /** Sends only `fields` (the updateMask paths): everything else is left as it is. */
  update(desired: Desired, fields: string[]): Promise<void>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** Releases the client, when there is one. */
  close?(): Promise<void>;
}

export interface ResourceKind<Desired, Live, Field extends string> {
  /** What one is, and many, for plans: 'queue' / 'queues'. */
  noun: string;
  plural: string;
  /** The Markdown plan's heading: 'Cloud Tasks queue plan'. */
  title: string;
  /** The live state of one that runs (RUNNING, ENABLED): only such a missing one is paused. */
  activeState: string;
  /** Fields whose live value differs from the file's; a `state` change is made with pause or resume. */
  diff(desired: Desired, live: Live): FieldChange<Field>[];
  /** The updateMask paths that send `changes` (`state` is never among them). */
  updateMask(changes: readonly FieldChange<Field>[]): string[];
  /** Whether the file wants it paused (a `rate: 0` queue): created running, then paused. */
  isPaused(desired: Desired): boolean;
  /** One line of what the file wants, for a `create`. */
  describe(desired: Desired): string;
  /** A changed field's value for display. @default String */
  formatValue?(value: string | number): string;
}

/**
 * Collects a diff's changes, each value compared the way the API stores it, so that what
 * applying the file gave never reads as drift on the next plan.
 */
export class FieldChanges<Field extends string> {
  readonly changes: FieldChange<Field>[] = [];

  /** A change, as given. */
  add(field: Field, from: string | number, to: string | number): void {
    this.changes.push({ field, from, to });
  }

  /** Text and states: equal or not. */
  text(field: Field, from: string, to: string): void {
    if (from !== to) this.add(field, from, to);
  }

  /** Numbers relatively: rates can be tiny (6/m, 2000/d), and 0.0231/s and 0.0235/s must not look equal. */
  number(field: Field, from: number, to: number): void {
    if (Math.abs(from - to) > Math.max(1e-9, Math.abs(to) * 1e-6)) this.add(field, from, to);
  }

  /**
   * Durations travel as seconds + nanos: a millisecond is plenty. With `truncatesToSeconds` (Cloud
   * Tasks documents its durations as "truncated to the nearest second"), a live value equal to the
   * file's whole seconds is what applying the file gave (0.1 s read back as 0 s), not drift.
   */
  duration(field: Field, from: number, to: number, { truncatesToSeconds = false } = {}): void {
    const differs = (target: number) => Math.abs(from - target) > 1e-3;
    if (differs(to) && (!truncatesToSeconds || differs(Math.trunc(to)))) this.add(field, formatSeconds(from), formatSeconds(to));
  }
}
