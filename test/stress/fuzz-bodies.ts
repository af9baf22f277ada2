/**
 * Random task bodies for the fuzz run, from a seeded generator so that a failure can be replayed:
 * random bytes, random text and JSON, mutations of a valid envelope, superjson envelopes with
 * random `meta` (paths through __proto__/constructor, unknown types), and sizes around the cap.
 */
import { MAX_TASK_BYTES } from 'next-cloud-tasks';

/** mulberry32: small, fast, good enough to spread inputs; same seed, same bodies. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, max: number) => Math.floor(rng() * max);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];

const KEYS = [
  'v',
  'fn',
  'args',
  'json',
  'meta',
  'values',
  'referentialEqualities',
  '__proto__',
  'constructor',
  'prototype',
  'enqueuedAt',
  'scheduledAt',
  'x',
];
const FUNCTIONS = ['demo.noop', 'demo.noop', 'demo.alwaysFails', 'demo.rejectForever', 'nope', '__proto__', 'constructor', 'toString', ''];
const TYPES: unknown[] = [
  'undefined',
  'Date',
  'bigint',
  'set',
  'map',
  'regexp',
  'Error',
  'number',
  'symbol',
  ['class', 'X'],
  ['custom', 'y'],
  ['symbol', 'z'],
  42,
  null,
];

function randomJson(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 3 ? 4 : 7)) {
    case 0:
      return int(rng, 2) === 0 ? rng() * 1e6 - 5e5 : int(rng, 3) - 1;
    case 1:
      return Array.from({ length: int(rng, 12) }, () => String.fromCharCode(int(rng, 0x2fff))).join('');
    case 2:
      return pick(rng, [true, false, null]);
    case 3:
      return pick(rng, KEYS);
    case 4:
      return Array.from({ length: int(rng, 5) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(rng, 5); i > 0; i--)
        Object.defineProperty(object, pick(rng, KEYS), {
          value: randomJson(rng, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return object;
    }
  }
}

function randomMetaPath(rng: Rng): string {
  return Array.from({ length: 1 + int(rng, 4) }, () =>
    pick(rng, ['args', '0', '1', '__proto__', 'constructor', 'prototype', 'fn', 'v', 'x']),
  ).join('.');
}

function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  for (let i = 1 + int(rng, 6); i > 0; i--) {
    const at = int(rng, out.length + 1);
    switch (int(rng, 4)) {
      case 0:
        out[at] = int(rng, 256);
        break; // flip a byte
      case 1:
        out.splice(
          at,
          0,
          ...new TextEncoder().encode(pick(rng, ['"', '{', '}', '[', ']', ',', ':', '\\', '\\u0000', '"__proto__":', 'null'])),
        );
        break;
      case 2:
        out.splice(at, int(rng, 16));
        break; // cut
      default:
        out.splice(at, 0, ...out.slice(int(rng, out.length), int(rng, out.length))); // duplicate a slice
    }
  }
  return Uint8Array.from(out);
}

/** One random body; `kind` says which generator made it (for the report). */
export function randomBody(rng: Rng): { kind: string; body: Uint8Array } {
  const encoder = new TextEncoder();
  if (int(rng, 50) === 0) {
    // Around the 1 MiB cap (rarely: each is a megabyte): just under runs or fails to decode, just over gets 413.
    const size = MAX_TASK_BYTES - 64 + int(rng, 128);
    return { kind: 'near-cap', body: encoder.encode(`{"json":{"v":1,"fn":"demo.noop","args":["${'x'.repeat(Math.max(0, size - 48))}"]}}`) };
  }
  switch (int(rng, 6)) {
    case 0:
      return { kind: 'bytes', body: Uint8Array.from({ length: int(rng, 2048) }, () => int(rng, 256)) };
    case 1:
      return { kind: 'json', body: encoder.encode(JSON.stringify(randomJson(rng))) };
    case 2:
      return {
        kind: 'wrapped-json',
        body: encoder.encode(JSON.stringify({ json: randomJson(rng), meta: int(rng, 2) ? randomJson(rng) : undefined })),
      };
    case 3:
    // Written by hand: superjson.stringify refuses keys like "prototype", which randomJson makes.
    case 4:
      return {
        kind: 'mutated-envelope',
        body: mutate(
          rng,
          encoder.encode(
            `{"json":{"v":1,"fn":${JSON.stringify(pick(rng, FUNCTIONS))},"args":[${JSON.stringify(randomJson(rng))}],"enqueuedAt":1}}`,
          ),
        ),
      };
    default: {
      const values: Record<string, unknown> = {};
      for (let i = 1 + int(rng, 3); i > 0; i--) values[randomMetaPath(rng)] = [pick(rng, TYPES)];
      const envelope = {
        json: { v: 1, fn: pick(rng, FUNCTIONS), args: [randomJson(rng)], enqueuedAt: 1 },
        meta: int(rng, 2) ? { values } : { referentialEqualities: { [randomMetaPath(rng)]: [randomMetaPath(rng)] } },
      };
      return { kind: 'hostile-meta', body: encoder.encode(JSON.stringify(envelope)) };
    }
  }
}
