/**
 * Google's JSON mapping of protobuf well-known types, both ways: Duration ("600s", "0.100s"),
 * Timestamp (RFC 3339, up to nanoseconds), bytes (base64, standard or URL-safe).
 */
import { invalidArgument } from './api-error.js';

/** google.protobuf.Duration's range: about 10,000 years either way. */
const MAX_DURATION_SECONDS = 315_576_000_000;

export function parseDuration(value: unknown, field: string): number {
  let seconds = NaN;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'object' && value !== null && 'seconds' in value) {
    // gRPC-style object, accepted for clients that send it.
    const { seconds: whole, nanos } = value as { seconds?: unknown; nanos?: unknown };
    seconds = Number(whole ?? 0) + Number(nanos ?? 0) / 1e9;
  } else {
    const match = typeof value === 'string' ? /^(-?\d+(?:\.\d{1,9})?)s$/.exec(value) : null;
    if (match) seconds = Number(match[1]);
  }
  // A NaN or an out-of-range number stored in a queue would break every later answer about it.
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_DURATION_SECONDS) {
    const limit = `(at most ${MAX_DURATION_SECONDS}s)`;
    throw invalidArgument(`${field} must be a duration like "600s" or "0.5s" ${limit}, got ${JSON.stringify(value)}`);
  }
  return seconds;
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
function parseTimestampMs(value: unknown): number {
  if (typeof value === 'object' && value !== null && 'seconds' in value) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    return Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6);
  }
  const match =
    typeof value === 'string'
      ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value)
      : null;
  return match ? Date.parse(`${match[1]}.${(match[2] ?? '').padEnd(3, '0').slice(0, 3)}${match[3]}`) : NaN;
}

/** RFC 3339 or `{ seconds, nanos }` to ms since epoch, refusing what is not a real date. */
export function parseTimestamp(value: unknown, field: string): number {
  const ms = parseTimestampMs(value);
  // A NaN would be stored as null and break the task's every later answer.
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIMESTAMP_MS) {
    throw invalidArgument(`${field} must be an RFC 3339 timestamp like "2026-01-02T03:04:05Z", got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function parseBytes(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw invalidArgument(`${field} must be base64-encoded bytes`);
  }
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/** Enums: numbers under `$alt=json;enum-encoding=int` (what google-gax sends), names otherwise. */
export function enumValue<T extends readonly string[]>(names: T, value: unknown, field: string): T[number] {
  if (typeof value === 'number' && names[value] !== undefined) return names[value];
  if (typeof value === 'string' && names.includes(value)) return value;
  throw invalidArgument(`${field} must be one of ${names.join(', ')}, got ${JSON.stringify(value)}`);
}
