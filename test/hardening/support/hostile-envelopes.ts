/**
 * Task bodies that must never run a function: prototype-pollution attempts through superjson's
 * `meta` (the paths it walks to restore types and references), duplicate JSON keys, wrong types,
 * non-UTF-8 and pathological nesting. Each with the status the contract gives it: 200 for a body
 * that can never decode (dropped and dead-lettered), 404 for an unknown function (retried).
 */
const envelope = (json: string, meta?: string) => `{"json":${json}${meta ? `,"meta":${meta}` : ''}}`;
const ok = '{"v":1,"fn":"test.record","args":[{}],"enqueuedAt":1}';

export const HOSTILE_ENVELOPES: [string, number, string | Uint8Array<ArrayBuffer>][] = [
  [
    'meta.referentialEqualities planting __proto__.polluted',
    200,
    envelope(ok, '{"referentialEqualities":{"args.0":["__proto__.polluted"]}}'),
  ],
  ['meta.referentialEqualities rooted at __proto__', 200, envelope(ok, '{"referentialEqualities":{"__proto__.polluted":["args.0"]}}')],
  ['meta.values at __proto__.polluted', 200, envelope(ok, '{"values":{"__proto__.polluted":["undefined"]}}')],
  ['meta.values at args.0.__proto__.polluted', 200, envelope(ok, '{"values":{"args.0.__proto__.polluted":["Date"]}}')],
  ['meta.values at constructor.prototype.polluted', 200, envelope(ok, '{"values":{"constructor.prototype.polluted":"undefined"}}')],
  ['meta.values naming a class (Object) to instantiate', 200, envelope(ok, '{"values":{"args.0":[["class","Object"]]}}')],
  ['meta.values naming a custom transformer "__proto__"', 200, envelope(ok, '{"values":{"args.0":[["custom","__proto__"]]}}')],
  ['meta turning args into a Set', 200, envelope(ok, '{"values":{"args":["set"]}}')],
  ['duplicate "fn" keys, "__proto__" last', 404, envelope('{"v":1,"fn":"test.record","fn":"__proto__","args":[],"enqueuedAt":1}')],
  ['duplicate "fn" keys, "constructor" last', 404, envelope('{"v":1,"fn":"test.record","fn":"constructor","args":[],"enqueuedAt":1}')],
  ['duplicate "v" keys, an unknown version last', 200, envelope('{"v":1,"v":2,"fn":"test.record","args":[],"enqueuedAt":1}')],
  ['"fn" as an object with toString', 200, envelope('{"v":1,"fn":{"toString":"test.record"},"args":[]}')],
  ['"v" as the string "1"', 200, envelope('{"v":"1","fn":"test.record","args":[]}')],
  ['"args" as an array-like object', 200, envelope('{"v":1,"fn":"test.record","args":{"0":"x","length":1}}')],
  ['the envelope outside "json" (plain JSON, no superjson wrapper)', 200, '{"v":1,"fn":"test.record","args":[]}'],
  ['"fn" "hasOwnProperty" (an Object method)', 404, envelope('{"v":1,"fn":"hasOwnProperty","args":[],"enqueuedAt":1}')],
  ['"fn" "__defineGetter__"', 404, envelope('{"v":1,"fn":"__defineGetter__","args":[],"enqueuedAt":1}')],
  ['a non-UTF-8 body (Latin-1 bytes)', 200, Uint8Array.from([0x7b, 0x22, 0xe9, 0xff, 0xfe, 0x22, 0x7d])],
  ['a UTF-16 body with a byte-order mark', 200, Uint8Array.from([0xff, 0xfe, ...Buffer.from(envelope(ok), 'utf16le')])],
  ['a lone surrogate escape in "fn"', 404, envelope('{"v":1,"fn":"test.record\\ud800","args":[],"enqueuedAt":1}')],
  ['an empty body', 200, ''],
];
