/**
 * What `deferMany` and `cancelMany` answer, per item, and the errors they throw. Cloud Tasks'
 * batches are not atomic, so a failure is never the whole story: the error that reports one
 * carries every item's outcome, and the items that did work are named.
 */
import { DeferredError } from '../contract/errors.js';

/** One call of `deferMany`: its task's full name, or why no task was made. */
export type DeferManyItem = { ok: true; taskName: string } | { ok: false; error: Error };

export interface DeferManyResult {
  /** One per call, in the order of `calls`. */
  items: DeferManyItem[];
  /** How many tasks were created. */
  created: number;
  /** How many calls made no task. */
  failed: number;
}

/** One name given to `cancelMany`: deleted, already gone (it ran, or was deleted before), or why it could not be deleted. */
export type CancelManyItem =
  { name: string; outcome: 'deleted' } | { name: string; outcome: 'gone' } | { name: string; outcome: 'failed'; error: Error };

export interface CancelManyResult {
  /** One per name, in the order given. */
  items: CancelManyItem[];
  deleted: number;
  gone: number;
  failed: number;
}

/** The first few failures, for a message: "call 4: TaskAlreadyExistsError: ..." */
function firstFailures(failures: { label: string; error: Error }[]): string {
  const shown = failures.slice(0, 3).map(({ label, error }) => `${label}: ${error.name}: ${error.message}`);
  return shown.join('; ') + (failures.length > 3 ? `; and ${failures.length - 3} more` : '');
}

/** deferMany refused a call before sending anything: `index` is its place in `calls`, `cause` what `defer` would have thrown. */
export class InvalidCallError extends DeferredError {
  override name = 'InvalidCallError';
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message.replace(/^defer\(\): /, '') : String(cause);
    super(`deferMany() refused call ${index} (counting from 0), so it sent nothing: ${why}`, { cause });
  }
}

/** Some calls of a deferMany made no task; the others did. `result` says which is which. */
export class DeferManyError extends DeferredError {
  override name = 'DeferManyError';
  constructor(readonly result: DeferManyResult) {
    const failures = result.items.flatMap((item, index) => (item.ok ? [] : [{ label: `call ${index}`, error: item.error }]));
    super(
      `deferMany(): ${result.failed} of ${result.items.length} calls made no task (the other ${result.created} did: their tasks exist, ` +
        `so retry only the failed calls, error.result.items[i].ok === false): ${firstFailures(failures)}`,
    );
  }
}

/** Some names of a cancelMany could not be deleted; `result` has every name's outcome. */
export class CancelManyError extends DeferredError {
  override name = 'CancelManyError';
  constructor(readonly result: CancelManyResult) {
    const failures = result.items.flatMap((item) => (item.outcome === 'failed' ? [{ label: item.name, error: item.error }] : []));
    super(
      `cancelMany(): ${result.failed} of ${result.items.length} tasks could not be deleted (${result.deleted} were, ${result.gone} were gone already): ${firstFailures(failures)}`,
    );
  }
}
