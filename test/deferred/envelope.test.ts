import { EnvelopeDecodeError, EnvelopeEncodeError } from 'next-cloud-tasks';
import { decodeEnvelope, encodeEnvelope } from '@/lib/src/contract/envelope';
import { isPlainJson } from '@/lib/src/contract/plain-json';
import { SuperJSON } from 'superjson';

test('Dates, Maps, Sets, BigInt, undefined and nested objects survive a round trip', () => {
  const args = [
    new Date('2026-11-27T10:00:00.123Z'),
    new Map<string, unknown>([
      ['a', new Set([1, 2, 3])],
      ['b', { deep: [new Date(0), 2n ** 70n] }],
    ]),
    undefined,
    { nested: { list: [1, 'two', null, undefined], when: new Date(1) }, big: -12345678901234567890n },
    'plain',
    42.5,
  ];
  const decoded = decodeEnvelope(encodeEnvelope('fn.id', args, { enqueuedAt: 1000 }));
  expect(decoded).toEqual({ v: 1, fn: 'fn.id', args, enqueuedAt: 1000 });
  expect(decoded.args[0]).toBeInstanceOf(Date);
  expect((decoded.args[1] as Map<string, unknown>).get('a')).toBeInstanceOf(Set);
  expect(typeof (decoded.args[3] as { big: unknown }).big).toBe('bigint');
  expect(decoded.args).toHaveLength(6);
  expect(2 in decoded.args).toBe(true);
});

test('the schedule time travels when the task is delayed', () => {
  expect(decodeEnvelope(encodeEnvelope('f', [], { enqueuedAt: 1000, scheduledAt: 5000 })).scheduledAt).toBe(5000);
  expect(decodeEnvelope(encodeEnvelope('f', [], { enqueuedAt: 1000 })).scheduledAt).toBeUndefined();
});

test('a prototype-pollution payload decodes to plain data and pollutes nothing', () => {
  const body =
    '{"json":{"v":1,"fn":"f","args":[{"__proto__":{"polluted":true}}],"enqueuedAt":1},"meta":{"values":{"args.0.__proto__.polluted":["undefined"]}}}';
  try {
    decodeEnvelope(body);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeDecodeError);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test.each([
  ['not JSON', 'nope'],
  ['no version', '{"json":{"fn":"f","args":[]}}'],
  ['a future version', '{"json":{"v":2,"fn":"f","args":[]}}'],
  ['no function id', '{"json":{"v":1,"args":[]}}'],
  ['args not a list', '{"json":{"v":1,"fn":"f","args":{}}}'],
  ['a JSON array', '[1,2]'],
])('%s is an EnvelopeDecodeError', (_name, body) => {
  expect(() => decodeEnvelope(body)).toThrow(EnvelopeDecodeError);
});

test('bytes that are not UTF-8 are an EnvelopeDecodeError', () => {
  expect(() => decodeEnvelope(new Uint8Array([0xc3, 0x28]))).toThrow(/UTF-8/);
});

test.each([[{ constructor: 'x' }], [{ nested: { prototype: 1 } }], [JSON.parse('{"__proto__": {"polluted": true}}')]])(
  'arguments with a key superjson refuses (%j) are an EnvelopeEncodeError naming the function and what to do',
  (arg) => {
    expect(() => encodeEnvelope('users.rename', [arg])).toThrow(EnvelopeEncodeError);
    expect(() => encodeEnvelope('users.rename', [arg])).toThrow(/arguments of "users\.rename" cannot be encoded: .*Rename the key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  },
);

describe('plain data is encoded without superjson, byte for byte as superjson writes it', () => {
  const superjsonText = (args: unknown[], meta: { enqueuedAt: number; scheduledAt?: number }) =>
    new SuperJSON().stringify({ v: 1, fn: 'f', args, ...meta });
  const shared = { a: 1 };
  const text = (args: unknown[], meta: { enqueuedAt: number; scheduledAt?: number } = { enqueuedAt: 7 }) =>
    new TextDecoder().decode(encodeEnvelope('f', args, meta));

  test.each<[string, unknown[]]>([
    ['no arguments', []],
    ['strings, numbers, booleans and null', ['ada', 0, 1.5, -3, 1e21, 5e-324, true, false, null, '', '\ud800 lone surrogate', 'é ✓ 😀']],
    ['nested objects and arrays', [{ user: { id: 'u1', tags: ['a', 'b'], n: [[1], [2, { x: null }]] } }, [], {}]],
    ['keys in insertion and integer order', [{ b: 1, 2: 'two', a: 3, 1: 'one', 'a-b': 4 }]],
    ['an equal but distinct object twice', [{ a: 1 }, { a: 1 }]],
  ])('%s', (_what, args) => {
    expect(isPlainJson(args)).toBe(true);
    expect(text(args)).toBe(superjsonText(args, { enqueuedAt: 7 }));
    expect(text(args, { enqueuedAt: 7, scheduledAt: 9 })).toBe(superjsonText(args, { enqueuedAt: 7, scheduledAt: 9 }));
  });

  // What superjson annotates still goes through superjson: the meta that restores it is written.
  test.each<[string, unknown[]]>([
    ['undefined', [undefined]],
    ['-0', [-0]],
    ['NaN and the infinities', [NaN, Infinity, -Infinity]],
    ['one object reached twice', [shared, { again: shared }]],
    ['a Date deep inside plain data', [{ list: [{ when: new Date(0) }] }]],
  ])('%s', (_what, args) => {
    expect(isPlainJson(args)).toBe(false);
    expect(text(args)).toBe(superjsonText(args, { enqueuedAt: 7 }));
    expect(text(args)).toContain('"meta"');
    expect(decodeEnvelope(encodeEnvelope('f', args, { enqueuedAt: 7 })).args).toEqual(args);
  });

  // Shapes the fast path leaves to superjson without being sure it would annotate them.
  test.each<[string, unknown[]]>([
    ['a hole in an array', [[1, , 3]]],
    ['a null-prototype object', [Object.assign(Object.create(null), { a: 1 })]],
  ])('%s', (_what, args) => {
    expect(isPlainJson(args)).toBe(false);
    expect(text(args)).toBe(superjsonText(args, { enqueuedAt: 7 }));
  });
});
