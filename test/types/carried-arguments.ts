/**
 * Type-level tests of the arguments a task carries, checked by `tsc --noEmit` (part of
 * `npm test`): each @ts-expect-error line must be a compile error, or the type check fails.
 * What superjson carries is accepted; a function, a symbol, an instance of a class that is not
 * in RegisteredClasses (its methods would be lost), a Buffer, a Promise are refused, in
 * `deferrable()`'s parameters and in `defer()`'s arguments.
 */
import { defer, deferrable, registerClass, type DeferrableFunction } from 'next-cloud-tasks';

/**
 * Not registered: its instances would arrive as plain objects, without `toFahrenheit`. (Types are
 * structural: a class shaped exactly like a registered one would pass; defer() refuses it at run time.)
 */
class Celsius {
  constructor(public degrees: number) {}
  toFahrenheit() {
    return (this.degrees * 9) / 5 + 32;
  }
}

/** Registered, and declared in RegisteredClasses: it travels as itself (its public fields; `#private` ones would not). */
class TypesMoney {
  constructor(
    public cents: number,
    public currency: string,
  ) {}
  format() {
    return `${this.cents / 100} ${this.currency}`;
  }
}
registerClass('types.Money', TypesMoney);
declare module 'next-cloud-tasks' {
  interface RegisteredClasses {
    'types.Money': TypesMoney;
  }
}

class HttpError extends Error {
  status = 503;
}

export const carried = deferrable(
  'types.carried',
  (
    _text: string,
    _count: number,
    _big: bigint,
    _maybe: boolean | null | undefined,
    _when: Date,
    _pattern: RegExp,
    _where: URL,
    _error: Error,
    _typeError: TypeError,
    _bytes: Uint8Array,
    _byId: Map<string, { seen: Set<number> }>,
    _pair: readonly [string, number],
    _rows: { at: Date; tags: string[] }[],
    _record: Record<string, number>,
    _money: TypesMoney,
    _anything: unknown,
  ) => {},
);

export async function whatTravelsIsAccepted() {
  await defer(carried, [
    'a',
    1,
    2n,
    null,
    new Date(),
    /x/g,
    new URL('https://example.com'),
    new Error('e'),
    new TypeError('t'),
    new Uint8Array(2),
    new Map([['k', { seen: new Set([1]) }]]),
    ['b', 2],
    [{ at: new Date(), tags: [] }],
    { a: 1 },
    new TypesMoney(250, 'EUR'),
    { anything: 'goes' },
  ]);
}

export function whatCannotTravelIsRefusedByDeferrable() {
  // @ts-expect-error a class instance that is not registered: its methods would be lost
  deferrable('types.loose', (temperature: Celsius) => temperature.toFahrenheit());
  // @ts-expect-error a function arrives as null
  deferrable('types.callback', (done: () => void) => done());
  // @ts-expect-error one member of a union is a function
  deferrable('types.union', (_value: string | (() => string)) => {});
  // @ts-expect-error a method nested deep in a plain object
  deferrable('types.nested', (_order: { lines: { temperature: Celsius }[] }) => {});
  // @ts-expect-error a symbol
  deferrable('types.symbol', (_key: symbol) => {});
  // @ts-expect-error a Buffer: superjson cannot decode it
  deferrable('types.buffer', (_data: Buffer) => {});
  // @ts-expect-error a Promise: await it first
  deferrable('types.promise', (_later: Promise<string>) => {});
  // @ts-expect-error an Error subclass with fields of its own arrives as a plain Error
  deferrable('types.httpError', (_error: HttpError) => {});
  // @ts-expect-error a Map whose values are unregistered class instances
  deferrable('types.mapOfTemperatures', (_temperatures: Map<string, Celsius>) => {});
}

export async function whatCannotTravelIsRefusedByDefer() {
  // A function typed by hand, past deferrable()'s check: defer() refuses its arguments too.
  const typedByHand = deferrable('types.byHand', (_value: unknown) => {}) as unknown as DeferrableFunction<[Celsius]>;
  // @ts-expect-error the Point case of issue 20: an unregistered class instance
  await defer(typedByHand, [new Celsius(21)]);
  const callbackByHand = typedByHand as unknown as DeferrableFunction<[string, () => void]>;
  // @ts-expect-error a function argument: it would arrive as null
  await defer(callbackByHand, ['x', () => {}]);
  const symbolByHand = typedByHand as unknown as DeferrableFunction<[{ key: symbol }]>;
  // @ts-expect-error a symbol, nested: it would be dropped
  await defer(symbolByHand, [{ key: Symbol('k') }]);

  const takesData = deferrable('types.takesData', (_data: { degrees: number }) => {});
  await defer(takesData, [{ degrees: 21 }]);
  // Structurally a Celsius is { degrees } plus a method, so the types accept it here; at run time
  // defer() refuses the unregistered class's instance (test/deferred/check-arguments.test.ts).
  await defer(takesData, [new Celsius(21)]);
}
