/**
 * defer() refuses, before any network call, an argument that superjson would change on the way,
 * naming its path and the fix; what superjson carries passes, and a registered class arrives as
 * itself (through the stub, which runs the handler's own decoding).
 */
import { createManifest, defer, deferrable, EnvelopeEncodeError, registerClass } from 'next-cloud-tasks';
import { setupTaskQueueStub } from 'next-cloud-tasks/testing';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm() {
    return Math.hypot(this.x, this.y);
  }
}

/** Registered: instances travel as themselves. */
class Money {
  constructor(
    public cents: number,
    public currency: string,
    public at: Date,
  ) {}
  format() {
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }
}
registerClass('test.Money', Money);
declare module 'next-cloud-tasks' {
  interface RegisteredClasses {
    'test.Money': Money;
  }
}

const received: unknown[][] = [];
// `unknown` parameters: the type check has nothing to say, so this is the run-time check alone.
const anything = deferrable('check.anything', (...args: unknown[]) => {
  received.push(args);
});
const charge = deferrable('check.charge', (amount: Money, history: Map<string, Money[]>) => {
  received.push([amount.format(), amount instanceof Money, amount.at instanceof Date, history.get('last')?.[0].format()]);
});
const queue = setupTaskQueueStub({ manifest: createManifest([anything, charge]) });
beforeEach(() => {
  received.length = 0;
});

/** Each refused value, and what the error says: its path, what it is, and the fix. */
const refused: [string, unknown[], RegExp][] = [
  [
    'an unregistered class instance (the Point of issue 20)',
    [{ p: new Point(1, 2) }],
    /^defer\(check\.anything\): args\[0\]\.p cannot travel in a task: it is an instance of class Point, which superjson does not know \(it would arrive as a plain object, without its methods\); pass a plain object with its fields, or register the class so that it travels as itself: registerClass\('Point', Point\)/,
  ],
  [
    'a function (it would arrive as null)',
    ['x', () => 1],
    /args\[1\] cannot travel in a task: it is a function; pass the data it works on/,
  ],
  [
    'a named function deep in an array',
    [{ steps: [1, { run: function step() {} }] }],
    /args\[0\]\.steps\[1\]\.run .*it is a function \(step\)/,
  ],
  ['a method on a plain object', [{ total: 3, format() {} }], /args\[0\]\.format .*it is a function \(format\)/],
  ['a symbol', [Symbol('s')], /args\[0\] .*it is a symbol; pass its description/],
  ['a Buffer', [Buffer.from('hi')], /args\[0\] .*it is a Buffer, which superjson cannot decode; pass new Uint8Array\(buffer\)/],
  ['a Promise', [{ later: Promise.resolve(1) }], /args\[0\]\.later .*it is a Promise; await it before defer\(\)/],
  ['an invalid Date', [new Date('nope')], /args\[0\] .*it is an invalid Date; it would arrive as null/],
  ['an Error subclass', [new (class HttpError extends Error {})('x')], /args\[0\] .*it is an instance of HttpError \(an Error subclass\)/],
  ['a class instance as a Map value', [new Map([['home', new Point(0, 0)]])], /args\[0\]\.get\("home"\) .*class Point/],
  ['a class instance as a Map key', [new Map([[new Point(0, 0), 1]])], /args\[0\]\.keys\(\)\[0\] .*class Point/],
  ['a class instance in a Set', [new Set([1, new Point(0, 0)])], /args\[0\]\.values\(\)\[1\] .*class Point/],
  ['a key superjson refuses', [{ constructor: 'Point' }], /args\[0\]\.constructor .*a key named "constructor"/],
  ['a non-identifier key on the way', [{ 'a-b': { f: () => 1 } }], /args\[0\]\["a-b"\]\.f /],
  ['a function in an Error cause', [new Error('x', { cause: { retry: () => 1 } })], /args\[0\]\.cause\.retry /],
  ['a WeakMap', [new WeakMap()], /args\[0\] .*class WeakMap/],
  ['a function in a registered class instance', [Object.assign(new Money(1, 'EUR', new Date()), { hook: () => 1 })], /args\[0\]\.hook /],
];

test.each(refused)('%s is refused before any network call, naming its path and the fix', async (_what, args, message) => {
  const attempt = defer(anything, args);
  await expect(attempt).rejects.toBeInstanceOf(EnvelopeEncodeError);
  await expect(attempt).rejects.toThrow(message);
  expect(queue.getFilteredTasks()).toEqual([]);
});

test('the error carries the path and the function', async () => {
  const error = await defer(anything, [{ when: new Date(), nested: [{ p: new Point(1, 2) }] }]).catch((e: unknown) => e);
  expect(error).toEqual(expect.objectContaining({ name: 'EnvelopeEncodeError', fn: 'check.anything', path: 'args[0].nested[0].p' }));
});

test('what superjson carries passes, and arrives as it was sent', async () => {
  const sent = [
    'text',
    -0,
    Number.NaN,
    12n,
    undefined,
    null,
    new Date('2026-12-06T10:00:00Z'),
    /ab+c/gi,
    new URL('https://example.com/a?b=1'),
    new Map<unknown, unknown>([
      ['k', new Set([1, 2])],
      [3, { deep: [new Date(0)] }],
    ]),
    new Uint8Array([1, 2, 3]),
    new BigInt64Array([5n]),
    new TypeError('bad input'),
    Object.assign(Object.create(null), { bare: true }),
    { nested: { list: [1, 'two', { three: 3 }] } },
  ];
  await defer(anything, sent);
  await queue.drain();
  expect(received).toHaveLength(1);
  const [got] = received;
  expect(got.slice(0, 13)).toEqual(sent.slice(0, 13));
  expect(got[12]).toEqual(expect.objectContaining({ name: 'TypeError', message: 'bad input' }));
  expect(got[14]).toEqual(sent[14]);
});

test('the same object twice, and a cycle, pass (superjson keeps references)', async () => {
  const shared = { id: 1 };
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  await defer(anything, [shared, shared, cyclic]);
  await queue.drain();
  const [[a, b, c]] = received as [[object, object, { self: unknown }]];
  expect(a).toBe(b);
  expect(c.self).toBe(c);
});

test('a registered class arrives as an instance of itself, fields and methods, nested too', async () => {
  const at = new Date('2026-12-06T09:00:00Z');
  await defer(charge, [new Money(1250, 'EUR', at), new Map([['last', [new Money(99, 'USD', at)]]])]);
  await queue.drain();
  expect(received).toEqual([['12.50 EUR', true, true, '0.99 USD']]);
});

test('a subclass of a registered class is refused: it would arrive as the parent class', async () => {
  class Refund extends Money {}
  await expect(defer(anything, [new Refund(1, 'EUR', new Date())])).rejects.toThrow(/args\[0\] .*class Refund/);
});

test('the arguments must be an array', async () => {
  await expect(defer(anything, 'x' as never)).rejects.toThrow(/args must be an array of the function's arguments, got string/);
});
