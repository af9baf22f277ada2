/**
 * The adapter's process-wide state, on one `globalThis` slot.
 *
 * Next.js loads separate module instances of this package in one server process: one for
 * instrumentation.ts, one for the route handlers, one for server actions and pages. A module-level
 * variable would exist three times, so an event listener or a log writer set in `register()`
 * would never see the tasks the route runs. Every setting that must hold for the whole process
 * (listeners, the log writer, the dead-letter sink, caches, the Cloud Tasks client, shutdown)
 * lives here instead, keyed by what it is.
 */
const SLOT = Symbol.for('next-cloud-tasks');

type Slot = Map<string, unknown>;
type WithSlot = typeof globalThis & { [SLOT]?: Slot };

/** This process's value for `key`, made by `init` the first time any module instance asks. */
export function processState<T>(key: string, init: () => T): T {
  const slot = ((globalThis as WithSlot)[SLOT] ??= new Map());
  if (!slot.has(key)) slot.set(key, init());
  return slot.get(key) as T;
}
