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

/**
 * Why a value of type `T` cannot travel in a task, with the fix; `never` when it can (its parts
 * are checked apart). What the editor shows inside `CannotTravelInATask<...>`.
 */
export type WhyCannotTravel<T> = T extends symbol
  ? 'a symbol: pass its description (a string)'
  : T extends (...args: never) => unknown
    ? 'a function or method: pass plain data, or registerClass() the class and add it to RegisteredClasses'
    : T extends RegisteredClasses[keyof RegisteredClasses]
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

/**
 * What the editor shows where a type cannot travel, so that its error names it: "Type '() =>
 * number' is not assignable to type 'CannotTravelInATask<"a function ...">'".
 */
export interface CannotTravelInATask<What extends string> {
  readonly cannotTravel: What;
}

/**
 * `T` as a task carries it: `T` itself when it travels intact, else a type with
 * `CannotTravelInATask<...>` where the part that does not travel is. One type, not a chain of
 * helpers, so that every type it names is public (test/fresh-app/public-types.test.ts).
 */
export type Carried<T> =
  // `any` is not checked: it says nothing about the value.
  0 extends 1 & T
    ? T
    : // Each member of a union on its own: `Date | null` passes, `string | (() => void)` refuses its function.
      T extends unknown
      ? [WhyCannotTravel<T>] extends [never]
        ? // What travels whole, as it is: primitives, registered classes' instances, Date, RegExp, URL, Error, typed arrays.
          T extends
            | string
            | number
            | boolean
            | bigint
            | null
            | undefined
            | RegisteredClasses[keyof RegisteredClasses]
            | Date
            | RegExp
            | URL
            | Error
            | ArrayBufferView
          ? T
          : // Containers, with their parts checked.
            T extends Map<infer K, infer V>
            ? Map<Carried<K>, Carried<V>>
            : T extends ReadonlyMap<infer K, infer V>
              ? ReadonlyMap<Carried<K>, Carried<V>>
              : T extends Set<infer V>
                ? Set<Carried<V>>
                : T extends ReadonlySet<infer V>
                  ? ReadonlySet<Carried<V>>
                  : T extends object
                    ? { [K in keyof T]: Carried<T[K]> }
                    : T
        : CannotTravelInATask<WhyCannotTravel<T>>
      : never;

/** A deferrable function's parameter list as tasks carry it (see `Carried`). */
export type CarriedArgs<Args extends unknown[]> = { [I in keyof Args]: Carried<Args[I]> };
