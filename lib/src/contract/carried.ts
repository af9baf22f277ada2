/**
 * Which argument types travel in a task, as types: what `deferrable()` and `defer()` accept.
 *
 * Arguments travel as superjson, which carries primitives (undefined and bigint too), Date,
 * RegExp, Map, Set, Error (name, message, cause), URL, typed arrays, arrays, plain objects, and the classes registered
 * with `registerClass()`. Anything else arrives changed: a function as null, a class instance as
 * a plain object without its methods. TypeScript is structural, so the check is too: a value
 * with a function-valued property (a method included) is refused unless its type is one of
 * `RegisteredClasses`. `defer()` checks the values themselves at run time (enqueue/check-arguments.ts).
 */

/**
 * The classes registered with `registerClass(id, TheClass)`, by id: add yours so that `defer()`
 * accepts their instances.
 *
 * @example
 * registerClass('geo.Point', Point);
 * declare module 'next-cloud-tasks' {
 *   interface RegisteredClasses {
 *     'geo.Point': Point;
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- empty on purpose: apps augment it.
export interface RegisteredClasses {}

/** An instance of a registered class. */
type RegisteredInstance = RegisteredClasses[keyof RegisteredClasses];

type Primitive = string | number | boolean | bigint | null | undefined;

/** `any` is not checked: it says nothing about the value. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * What a type that cannot travel becomes in the expected type, so that the editor's error names
 * it: "Type '() => number' is not assignable to type 'CannotTravelInATask<"a function ...">'".
 */
export interface CannotTravelInATask<What extends string> {
  readonly cannotTravel: What;
}

/** Why a value of type `T` cannot travel in a task; `never` when it can (its parts are checked apart). */
type Refusal<T> = T extends symbol
  ? 'a symbol: pass its description (a string)'
  : T extends (...args: never) => unknown
    ? 'a function or method: pass plain data, or registerClass() the class and add it to RegisteredClasses'
    : T extends RegisteredInstance
      ? never
      : T extends Error
        ? Error extends T
          ? never
          : 'an Error subclass with fields of its own: it would arrive as an Error (name, message, cause); pass a plain object'
        : T extends Buffer
          ? 'a Buffer: pass new Uint8Array(buffer), or a base64 string'
          : T extends PromiseLike<unknown>
            ? 'a Promise: await it before defer()'
            : T extends DataView | ArrayBuffer | SharedArrayBuffer
              ? 'an ArrayBuffer or DataView: pass a Uint8Array over it'
              : never;

/** Types that travel whole, as they are. */
type Intact = Primitive | RegisteredInstance | Date | RegExp | URL | Error | ArrayBufferView;

/** A value that can travel: itself, or its parts checked (containers). */
type CarriedValue<T> = T extends Intact
  ? T
  : T extends Map<infer K, infer V>
    ? Map<Carried<K>, Carried<V>>
    : T extends ReadonlyMap<infer K, infer V>
      ? ReadonlyMap<Carried<K>, Carried<V>>
      : T extends Set<infer V>
        ? Set<Carried<V>>
        : T extends ReadonlySet<infer V>
          ? ReadonlySet<Carried<V>>
          : T extends object
            ? { [K in keyof T]: Carried<T[K]> }
            : T;

/**
 * `T` as a task carries it: `T` itself when it travels intact, else a type with
 * `CannotTravelInATask<...>` where the part that does not travel is.
 */
export type Carried<T> = IsAny<T> extends true ? T : CarriedMember<T>;

/** Each member of a union on its own: `Date | null` is fine, `string | (() => void)` refuses its function. */
type CarriedMember<T> = T extends unknown ? ([Refusal<T>] extends [never] ? CarriedValue<T> : CannotTravelInATask<Refusal<T>>) : never;

/** A deferrable function's parameter list as tasks carry it (see `Carried`). */
export type CarriedArgs<Args extends unknown[]> = { [I in keyof Args]: Carried<Args[I]> };
