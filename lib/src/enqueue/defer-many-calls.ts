/**
 * deferMany's input read once, whole, before anything is sent: each call an argument tuple or
 * `{ args, options }`, its options over the shared ones (headers and retry settings merged field
 * by field), and the shared options' own (`parallelism`).
 */
import { InvalidTaskOptionsError } from '../contract/errors.js';
import { InvalidCallError } from './fan-out-results.js';
import { readParallelism } from './in-parallel.js';
import type { TaskCall } from './prepare-task.js';
import type { DeferOptions } from './task-options.js';

/** deferMany's shared options: every `defer` option but `name` (one name cannot go to many tasks), and how many batches at once. */
export interface DeferManyOptions extends Omit<DeferOptions, 'name'> {
  /**
   * How many BatchCreateTasks calls (of up to 100 tasks each) are in flight at once: what bounds
   * the requests, and the task bodies held in memory, however long the list.
   * @default 10
   */
  parallelism?: number;
}

/** One call of deferMany: the arguments alone, or with options of its own (a `name`, a `countdown`, ...). */
export type DeferManyCall<Args extends unknown[]> = Args | { args: Args; options?: DeferOptions };

function checkShared(options: DeferManyOptions): { parallelism: number; shared: DeferOptions } {
  if (typeof options !== 'object' || options === null) throw new TypeError('deferMany() options must be an object');
  const { parallelism, ...shared } = options as DeferManyOptions & { name?: string };
  if (shared.name !== undefined) {
    throw new InvalidTaskOptionsError(
      'name',
      "deferMany(): a shared name would give every task the same name; give each call its own: { args, options: { name: '...' } }",
    );
  }
  return { parallelism: readParallelism(parallelism, 'deferMany()'), shared };
}

/** An item's options over the shared ones; headers and retry settings merge field by field. */
function merged(shared: DeferOptions, own: DeferOptions | undefined): DeferOptions {
  if (!own) return shared;
  const options = { ...shared, ...own };
  if (shared.headers && own.headers) options.headers = { ...shared.headers, ...own.headers };
  if (shared.retry && own.retry) options.retry = { ...shared.retry, ...own.retry };
  return options;
}

function callOf(functionId: string, item: unknown, index: number, shared: DeferOptions): TaskCall {
  if (Array.isArray(item)) return { functionId, args: item, options: shared };
  const { args, options } = (item ?? {}) as { args?: unknown; options?: unknown };
  if (typeof item === 'object' && item !== null && Array.isArray(args)) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new InvalidCallError(index, new InvalidTaskOptionsError('options', `its options must be an object, got ${String(options)}`));
    }
    return { functionId, args, options: merged(shared, options as DeferOptions | undefined) };
  }
  const got = item === null ? 'null' : typeof item === 'object' ? 'an object without an args list' : typeof item;
  throw new InvalidCallError(index, new TypeError(`a call is an argument list, or { args, options }; got ${got}`));
}

/** The calls, read once (an iterable is consumed here), and the options they share. */
export function readCalls(functionId: string, calls: unknown, options: DeferManyOptions): { calls: TaskCall[]; parallelism: number } {
  const { parallelism, shared } = checkShared(options);
  if (calls === null || typeof calls !== 'object' || typeof (calls as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`deferMany() takes a list (or an iterable) of calls, got ${calls === null ? 'null' : typeof calls}`);
  }
  const list: TaskCall[] = [];
  for (const item of calls as Iterable<unknown>) list.push(callOf(functionId, item, list.length, shared));
  return { calls: list, parallelism };
}
