/** The small pure pieces: Google's JSON forms and the token bucket. */
import { formatDuration, parseDuration, parseTimestamp } from '@/lib/src/contract/proto-json';
import { TokenBucket } from '@/lib/src/emulator/token-bucket';

test('durations as Google writes them: whole seconds bare, else 3, 6 or 9 decimals', () => {
  expect([600, 0.1, 1.5, 0.000001, 0.0000005].map(formatDuration)).toEqual(['600s', '0.100s', '1.500s', '0.000001s', '0.000000500s']);
  expect(parseDuration('0.100s', 'f')).toBe(0.1);
  expect(parseDuration({ seconds: '3', nanos: 500_000_000 }, 'f')).toBe(3.5);
  expect(() => parseDuration('10m', 'retryConfig.minBackoff')).toThrow(
    'retryConfig.minBackoff must be a duration like "600s" or "0.5s" (at most 315576000000s), got "10m"',
  );
  // Found by the API fuzz run: a NaN stored in a queue made every later answer about it a 500.
  for (const bad of [{ seconds: 'x' }, { seconds: 1, nanos: 'y' }, Number.NaN, Infinity, '99999999999999999999s', { seconds: 1e300 }]) {
    expect(() => parseDuration(bad, 'f')).toThrow(/f must be a duration/);
  }
});

test('timestamps: RFC 3339 with up to 9 fractional digits and offsets', () => {
  expect(parseTimestamp('2023-11-14T22:13:20.123456789Z', 'f')).toBe(Date.UTC(2023, 10, 14, 22, 13, 20, 123));
  expect(parseTimestamp('2023-11-14T23:13:20+01:00', 'f')).toBe(Date.UTC(2023, 10, 14, 22, 13, 20));
  expect(() => parseTimestamp('yesterday', 'task.scheduleTime')).toThrow(/task.scheduleTime must be an RFC 3339 timestamp/);
  for (const bad of [{ seconds: 'soon' }, { seconds: 1e20 }, { seconds: 1, nanos: 'x' }])
    expect(() => parseTimestamp(bad, 'f')).toThrow(/f must be an RFC 3339 timestamp/);
});

test('token bucket: starts full (burst), refills at the rate, never above the burst', () => {
  const bucket = new TokenBucket(10, 3, 0);
  expect(bucket.available(0)).toBe(3);
  bucket.take(3, 0);
  expect(bucket.available(0)).toBe(0);
  expect(bucket.msUntilToken(0)).toBe(100);
  expect(bucket.available(250)).toBe(2);
  expect(bucket.available(10_000)).toBe(3);
  bucket.configure(1, 2, 10_000);
  expect(bucket.available(10_000)).toBe(2);
});
