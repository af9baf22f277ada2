/** The typed arrays superjson 2.2 encodes and rebuilds (by constructor name); a subclass, Buffer included, is none of them. */
export const TYPED_ARRAY_TYPES = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;
