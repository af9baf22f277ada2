/**
 * Google's JSON mapping of protobuf well-known types, both ways: Duration ("600s", "0.100s"),
 * Timestamp (RFC 3339, up to nanoseconds), bytes (base64, standard or URL-safe); the gRPC-style
 * `{ seconds, nanos }` objects that clients may send are read too. One reading for the emulator's
 * REST API, the jest stub's REST handlers and the queue CLI.
 *
 * A malformed value throws what `invalid(message)` makes: each caller passes its own error
 * (the emulator's INVALID_ARGUMENT, the stub's 400).
 */

/** A JSON object as a request body holds it, before its fields are checked one by one. */
export type JsonObject = Record<string, unknown>;

/** `input[key]` when it is a JSON object (a message field), else undefined. */
export function message(input: JsonObject, key: string): JsonObject | undefined {
  const value = input[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** What a parser throws for a malformed value. */
export type InvalidValue = (message: string) => Error;
const plainError: InvalidValue = (message) => new TypeError(message);

/** `{ seconds, nanos }`, as gRPC and the REST client's decoded objects give a Duration or a Timestamp. */
type SecondsNanos = { seconds?: unknown; nanos?: unknown };
// proto3 leaves zero fields out on the wire: a gRPC Duration of 0.05 s decodes as { nanos }, and 0 s as {}.
const isSecondsNanos = (value: unknown): value is SecondsNanos =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !Buffer.isBuffer(value) &&
  Object.keys(value).every((key) => key === 'seconds' || key === 'nanos');

/** google.protobuf.Duration's range: about 10,000 years either way. */
const MAX_DURATION_SECONDS = 315_576_000_000;

/** A Duration in seconds; finite and in protobuf's range (a NaN stored in a queue breaks every later answer about it). */
export function parseDuration(value: unknown, field: string, invalid: InvalidValue = plainError): number {
  let seconds = NaN;
  if (typeof value === 'number') seconds = value;
  else if (isSecondsNanos(value)) seconds = Number(value.seconds ?? 0) + Number(value.nanos ?? 0) / 1e9;
  else {
    const match = typeof value === 'string' ? /^(-?\d+(?:\.\d{1,9})?)s$/.exec(value) : null;
    if (match) seconds = Number(match[1]);
  }
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_DURATION_SECONDS) {
    throw invalid(`${field} must be a duration like "600s" or "0.5s" (at most ${MAX_DURATION_SECONDS}s), got ${JSON.stringify(value)}`);
  }
  return seconds;
}

/** A Duration as the gRPC-style object the client library takes. */
export function durationObject(seconds: number): { seconds: number; nanos: number } {
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1e9) };
}

export function formatDuration(seconds: number): string {
  if (Number.isInteger(seconds)) return `${seconds}s`;
  // Google prints 3, 6 or 9 fractional digits.
  for (const digits of [3, 6, 9]) {
    const text = seconds.toFixed(digits);
    if (Math.abs(Number(text) - seconds) < 1e-12) return `${text}s`;
  }
  return `${seconds.toFixed(9)}s`;
}

/** What a JavaScript Date can hold (ms either side of the epoch). */
const MAX_TIMESTAMP_MS = 8.64e15;

/** RFC 3339 to ms since epoch (NaN if it is not one); digits past milliseconds are dropped (the emulator keeps ms). */
function timestampMs(value: unknown): number {
  if (isSecondsNanos(value)) return Number(value.seconds ?? 0) * 1000 + Math.floor(Number(value.nanos ?? 0) / 1e6);
  const match =
    typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value) : null;
  return match ? Date.parse(`${match[1]}.${(match[2] ?? '').padEnd(3, '0').slice(0, 3)}${match[3]}`) : NaN;
}

/** RFC 3339 or `{ seconds, nanos }` to ms since epoch, refusing what is not a real date (a NaN would break every later answer about the task). */
export function parseTimestamp(value: unknown, field: string, invalid: InvalidValue = plainError): number {
  const ms = timestampMs(value);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIMESTAMP_MS) {
    throw invalid(`${field} must be an RFC 3339 timestamp like "2026-01-02T03:04:05Z", got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** A Timestamp as the gRPC-style object the client library takes. */
export function timestampObject(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export function parseBytes(value: unknown, field: string, invalid: InvalidValue = plainError): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw invalid(`${field} must be base64-encoded bytes`);
  }
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/** Enums: numbers under `$alt=json;enum-encoding=int` (what google-gax sends), names otherwise. */
export function enumValue<T extends readonly string[]>(
  names: T,
  value: unknown,
  field: string,
  invalid: InvalidValue = plainError,
): T[number] {
  if (typeof value === 'number' && names[value] !== undefined) return names[value];
  if (typeof value === 'string' && names.includes(value)) return value;
  throw invalid(`${field} must be one of ${names.join(', ')}, got ${JSON.stringify(value)}`);
}
