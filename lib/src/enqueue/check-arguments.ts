/**
 * The run-time side of contract/carried.ts: before any network call, `defer()` walks its
 * arguments and refuses a value superjson would change on the way (a function arrives as null, an
 * unregistered class instance as a plain object without its methods, a Buffer not at all), naming
 * where it is (`args[0].point`) and what to pass instead. The walk mirrors superjson's own rules
 * (superjson 2.2: plain objects and arrays, Date, RegExp, Map, Set, Error, URL, typed arrays,
 * registered classes), so whatever passes decodes as it was sent.
 */
import { EnvelopeEncodeError } from '../contract/envelope.js';
import { registeredClassId } from '../runtime/class-registry.js';
import { TYPED_ARRAY_TYPES } from '../contract/typed-arrays.js';

const TYPED_ARRAYS: ReadonlySet<object> = new Set(TYPED_ARRAY_TYPES.map((type) => type.prototype));

/** Errors that arrive as an Error with the same name and message (their class adds no fields). */
const NATIVE_ERRORS: ReadonlySet<object> = new Set(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map((type) => type.prototype),
);

/** Keys superjson refuses outright, a guard against prototype pollution. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const REGISTER_FIX = (name: string) =>
  `pass a plain object with its fields, or register the class so that it travels as itself: registerClass('${name}', ${name}) (from next-cloud-tasks) beside the class`;

/**
 * A step of the path: a property name, an index, or an entry of a Map or a Set. Written out
 * (`.name`, `["a-b"]`, `[3]`, `.get("key")`, `.keys()[0]`, `.values()[2]`) only for the error,
 * so a walk that finds nothing formats nothing.
 */
type Segment = string | number | { of: 'key' | 'value' | 'item'; index: number; key?: unknown };

function formatSegment(segment: Segment): string {
  if (typeof segment === 'number') return `[${segment}]`;
  if (typeof segment === 'string') return /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  if (segment.of === 'key') return `.keys()[${segment.index}]`;
  const { key } = segment;
  return segment.of === 'value' && (typeof key === 'string' || typeof key === 'number')
    ? `.get(${JSON.stringify(key)})`
    : `.values()[${segment.index}]`;
}

const formatPath = (path: readonly Segment[]) => `args${path.map(formatSegment).join('')}`;

class Walk {
  private readonly path: Segment[] = [];
  private readonly seen = new Set<object>();
  constructor(private readonly functionId: string) {}

  private refuse(what: string, fix: string): never {
    const at = formatPath(this.path);
    throw new EnvelopeEncodeError(this.functionId, `defer(${this.functionId}): ${at} cannot travel in a task: it is ${what}; ${fix}`, {
      path: at,
    });
  }

  private at(segment: Segment, value: unknown): void {
    this.path.push(segment);
    this.value(value);
    this.path.pop();
  }

  private fields(object: object): void {
    for (const key of Object.keys(object)) {
      if (FORBIDDEN_KEYS.has(key)) {
        this.path.push(key);
        this.refuse(
          `a key named "${key}"`,
          'superjson refuses such keys (a guard against prototype pollution): rename it, or pass the data as a Map',
        );
      }
      this.at(key, (object as Record<string, unknown>)[key]);
    }
  }

  /** The `index`th argument, and what it holds. */
  argument(index: number, value: unknown): void {
    this.at(index, value);
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'undefined':
      case 'bigint':
        return;
      case 'symbol':
        return this.refuse('a symbol', 'pass its description (a string) and make the symbol again in the function');
      case 'function':
        return this.refuse(
          `a function${value.name ? ` (${value.name})` : ''}`,
          'pass the data it works on, and call the function inside the deferred one',
        );
    }
    if (value === null || this.seen.has(value as object)) return;
    this.seen.add(value as object);
    this.object(value as object);
  }

  private object(value: object): void {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return this.fields(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) this.refuse(`an instance of ${value.constructor.name} (an Array subclass)`, 'pass a plain array');
      for (let i = 0; i < value.length; i++) this.at(i, value[i]);
      return;
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) this.refuse('an invalid Date', 'it would arrive as null; pass a valid Date, or null');
      return;
    }
    if (value instanceof RegExp || value instanceof URL) return;
    if (value instanceof Map) return this.entries(value);
    if (value instanceof Set) {
      let i = 0;
      for (const item of value) this.at({ of: 'item', index: i++ }, item);
      return;
    }
    if (value instanceof Error) return this.error(value, proto as object);
    if (ArrayBuffer.isView(value)) return this.view(value, proto as object);
    if (registeredClassId(value.constructor) !== undefined) return this.fields(value);
    if (typeof (value as { then?: unknown }).then === 'function') this.refuse('a Promise', 'await it before defer()');
    const name = typeof value.constructor === 'function' && value.constructor.name ? value.constructor.name : 'an unnamed class';
    this.refuse(
      `an instance of class ${name}, which superjson does not know (it would arrive as a plain object, without its methods)`,
      REGISTER_FIX(name),
    );
  }

  private entries(map: Map<unknown, unknown>): void {
    let i = 0;
    for (const [key, item] of map) {
      this.at({ of: 'key', index: i }, key);
      this.at({ of: 'value', index: i, key }, item);
      i++;
    }
  }

  private error(error: Error, proto: object): void {
    if (!NATIVE_ERRORS.has(proto)) {
      this.refuse(
        `an instance of ${error.constructor.name} (an Error subclass), which would arrive as a plain Error with only its name and message`,
        'pass new Error(message), or a plain object with the fields you need',
      );
    }
    if ('cause' in error) this.at('cause', error.cause);
  }

  private view(view: ArrayBufferView, proto: object): void {
    if (TYPED_ARRAYS.has(proto)) return;
    const name = view.constructor.name;
    if (name === 'Buffer')
      this.refuse('a Buffer, which superjson cannot decode', "pass new Uint8Array(buffer), or buffer.toString('base64')");
    this.refuse(`a ${name}, which superjson cannot decode`, 'pass a Uint8Array over its bytes');
  }
}

/**
 * Throws an `EnvelopeEncodeError` naming the first argument of `functionId` that cannot travel
 * in a task (its path, like `args[0].point`, and what to pass instead); returns when all can.
 */
export function checkArguments(functionId: string, args: readonly unknown[]): void {
  if (!Array.isArray(args)) {
    throw new TypeError(`defer(${functionId}, args): args must be an array of the function's arguments, got ${typeof args}`);
  }
  const walk = new Walk(functionId);
  for (let i = 0; i < args.length; i++) walk.argument(i, args[i]);
}
