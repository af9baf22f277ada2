/**
 * Classes whose instances travel in tasks with their methods: `registerClass(id, TheClass)`
 * registers a class with the superjson instance that encodes `defer()`'s arguments and decodes
 * them in the handler, under an id that is the same in every build.
 *
 * Why an id and not the class's name: Next's production builds rename classes (a minified
 * `class Point` is `class p`), differently in each bundle, so a name written by one module
 * instance would mean nothing to another.
 *
 * Why a registry per module instance, topped up from the process's: Next loads this package once
 * for instrumentation, once for route handlers and once for server actions. Each loads the app's
 * class module on its own, so each has its own copy of `Point`; an instance decoded in the task
 * route must be of the route's copy, or `instanceof Point` fails there. So this module instance
 * decodes to the classes it registered itself, and to another instance's only for ids it has not
 * registered (a class registered in instrumentation.ts alone, say).
 */
import { SuperJSON } from 'superjson';
import { DEFERRABLE_ID_PATTERN } from '../contract/names.js';
import { TYPED_ARRAY_TYPES } from '../contract/typed-arrays.js';
import { processState } from './process-state.js';

/** A class, as `registerClass` takes it: instances are rebuilt from its prototype and fields, never constructed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor signature.
export type RegistrableClass = new (...args: any[]) => object;

interface Registration {
  id: string;
  cls: RegistrableClass;
}

/** Every registration of the process, in order, from every module instance. */
const processRegistrations = () => processState('registered-classes', (): Registration[] => []);

/** This module instance's serializer, the classes it registered itself, and how many of the process's registrations it has seen. */
const local = { serializer: new SuperJSON(), own: new Map<string, RegistrableClass>(), seen: 0 };

/**
 * Built-in types superjson handles itself (or cannot): a class extending one would be encoded as
 * its own fields only (a Map subclass without its entries, an Error without its message).
 */
const BUILT_INS: readonly (abstract new (...args: never[]) => unknown)[] = [
  Array,
  Date,
  RegExp,
  Map,
  Set,
  Error,
  URL,
  Promise,
  ArrayBuffer,
  DataView,
  ...TYPED_ARRAY_TYPES,
];

function builtInBase(cls: RegistrableClass): string | undefined {
  for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const builtIn = BUILT_INS.find((type) => type.prototype === proto);
    if (builtIn) return builtIn.name;
  }
  return undefined;
}

/**
 * Registers `cls` under `id`, so that its instances travel in tasks as themselves: the handler
 * gets an instance of the class (its own fields, its prototype's methods), not a plain object.
 * Call it next to the class, in a module that both the code that defers and the task route load
 * (the route loads what the manifest imports: a type-only import is erased by the compiler). Its
 * own enumerable fields travel; `#private` fields do not.
 *
 * @example registerClass('geo.Point', Point);
 */
export function registerClass(id: string, cls: RegistrableClass): void {
  if (typeof id !== 'string' || !DEFERRABLE_ID_PATTERN.test(id)) {
    throw new TypeError(
      `registerClass id ${JSON.stringify(id)} is not valid: use 1-100 letters, digits, "_", "." or "-", starting with a letter (it names the class in every queued task)`,
    );
  }
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object' || cls.prototype === null) {
    throw new TypeError(`registerClass("${id}", ...) takes a class`);
  }
  const base = builtInBase(cls);
  if (base) {
    throw new TypeError(
      `registerClass("${id}", ${cls.name}): a class that extends ${base} cannot travel as one (only its own fields would); pass its data as a plain object instead`,
    );
  }
  const registrations = processRegistrations();
  const other = registrations.find((r) => r.cls === cls && r.id !== id);
  if (other) throw new TypeError(`class ${cls.name} is registered as "${other.id}" already; one id per class`);
  const taken = local.own.get(id);
  if (taken && taken !== cls)
    throw new TypeError(`registerClass("${id}", ${cls.name}): "${id}" is class ${taken.name}'s id already; one class per id`);
  local.own.set(id, cls);
  if (!registrations.some((r) => r.cls === cls)) registrations.push({ id, cls });
  // This module instance's own copy of the class wins for its id, over one another instance registered.
  local.serializer.registerClass(cls, id);
}

/**
 * The superjson instance for task envelopes in this module instance: its own classes, then those
 * the rest of the process registered under other ids.
 */
export function envelopeSerializer(): SuperJSON {
  const registrations = processRegistrations();
  for (; local.seen < registrations.length; local.seen++) {
    const { id, cls } = registrations[local.seen];
    if (!local.serializer.classRegistry.getValue(id)) local.serializer.registerClass(cls, id);
  }
  return local.serializer;
}

/** The id `cls` is registered under, or undefined. */
export function registeredClassId(cls: unknown): string | undefined {
  return typeof cls === 'function' ? envelopeSerializer().classRegistry.getIdentifier(cls as RegistrableClass) : undefined;
}
