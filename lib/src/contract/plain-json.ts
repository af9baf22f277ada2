/**
 * Whether a value is plain JSON as superjson sees it: what `serializer.stringify(value)` writes as
 * `{"json":<JSON.stringify(value)>}`, with no `meta`. Such an envelope is encoded with
 * JSON.stringify alone, byte for byte what superjson would write (test/deferred/envelope.test.ts
 * compares both), at a tenth of its CPU: superjson's walk was a fan-out's biggest cost per task
 * (~19 us of the ~37 us deferMany can spend on one, bench/fanout.bench.ts).
 *
 * Anything superjson annotates or refuses is not plain, and goes through superjson as before:
 * undefined, -0, NaN and the infinities, bigints, symbols, functions, objects that are not plain
 * objects or arrays (Dates, Maps, class instances, null-prototype objects), superjson's forbidden
 * keys, and one object reached twice (superjson records it as a referential equality).
 */

/** Keys superjson refuses (a prototype-pollution guard): its own error is the one to show. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function plain(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    // A hole reads as undefined, which superjson annotates: not plain.
    for (const item of value as unknown[]) if (!plain(item, seen)) return false;
    return true;
  }
  if (proto !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || !plain((value as Record<string, unknown>)[key], seen)) return false;
  }
  return true;
}

/** True when superjson would write `value` as `{"json": value}` with no meta (see above). */
export function isPlainJson(value: unknown): boolean {
  return plain(value, new Set());
}
