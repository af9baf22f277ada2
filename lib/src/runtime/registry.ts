/**
 * Deferrable functions and the manifest that lists them.
 *
 * A function cannot travel in a task, so each deferrable function carries a stable string id,
 * and the task handler finds it again in the manifest. The id is part of every queued task:
 * renaming it strands the tasks already queued under the old id.
 */
import type { CarriedArgs } from '../contract/carried.js';
import { DEFERRABLE_ID_PATTERN } from '../contract/names.js';

/** A function that `defer` can enqueue; callable directly too (tests, synchronous use). */
export type DeferrableFunction<Args extends unknown[] = never[], Result = unknown> = ((...args: Args) => Result) & {
  readonly deferredId: string;
};

/**
 * Marks `fn` as deferrable under `id`. The id must be unique across the manifest and stable
 * across deploys (tasks queued by the previous deploy still name it). Its parameters must be
 * types a task carries (see `Carried`): a function, or a class instance not in
 * `RegisteredClasses`, is a compile error here.
 *
 * @example export const sendWelcome = deferrable('users.sendWelcome', async (userId: string) => { ... });
 */
export function deferrable<Args extends unknown[] & CarriedArgs<Args>, Result>(
  id: string,
  fn: (...args: Args) => Result,
): DeferrableFunction<Args, Result> {
  if (!DEFERRABLE_ID_PATTERN.test(id)) {
    throw new TypeError(
      `deferrable id "${id}" is not valid: use 1-100 letters, digits, "_", "." or "-", starting with a letter (it becomes part of the task URL)`,
    );
  }
  const wrapper = (...args: Args) => fn(...args);
  Object.defineProperty(wrapper, 'deferredId', { value: id, enumerable: true });
  Object.defineProperty(wrapper, 'name', { value: fn.name || id });
  return wrapper as DeferrableFunction<Args, Result>;
}

/**
 * A manifest entry as the handler calls it: with the arguments a task carries, which defer()
 * encoded from the function's own parameter types (the manifest cannot keep each one's types).
 */
export type ManifestEntry = ((...args: unknown[]) => unknown) & { readonly deferredId: string };

/** Every deferrable function of the app, by id. Lookups see own entries only. */
export interface Manifest {
  get(id: string): ManifestEntry | undefined;
  readonly ids: readonly string[];
}

/**
 * Lists the app's deferrable functions. Import the manifest in the task route so that every
 * bundle that can receive a task knows every function.
 */
export function createManifest(functions: readonly DeferrableFunction[]): Manifest {
  // A Map, not an object: "__proto__" or "constructor" must be unknown ids, never Object's members.
  const byId = new Map<string, ManifestEntry>();
  for (const fn of functions) {
    if (typeof fn !== 'function' || typeof fn.deferredId !== 'string') {
      throw new TypeError('createManifest takes functions made with deferrable(id, fn)');
    }
    if (byId.has(fn.deferredId)) {
      throw new TypeError(`two deferrable functions share the id "${fn.deferredId}": ids must be unique`);
    }
    byId.set(fn.deferredId, fn as unknown as ManifestEntry);
  }
  return { get: (id) => byId.get(id), ids: [...byId.keys()] };
}
