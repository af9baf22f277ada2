/**
 * Reading a resource as Google's admin clients hand it back, for both kinds (a Cloud Tasks Queue,
 * a Cloud Scheduler Job). In REST mode the clients give protobuf-style objects: durations as
 * `{ seconds: "3600", nanos: 0 }`, enums as names; the emulator or another client version may
 * give "3600s" strings or enum numbers, so every form is read. Unset reads as 0, as proto3 does.
 */
import { parseDuration } from '../contract/proto-json.js';

export type DurationLike = string | number | { seconds?: unknown; nanos?: unknown } | null | undefined;

/** A duration as the API returned it, in seconds. */
export function durationSeconds(d: DurationLike): number {
  return d == null ? 0 : parseDuration(d, 'duration');
}

/** An enum's name, given as a name or as its number; the first name (…_UNSPECIFIED) when unset or unknown. */
export function enumName<T extends readonly string[]>(names: T, value: unknown): T[number] {
  if (typeof value === 'number') return names[value] ?? names[0];
  return typeof value === 'string' && names.includes(value) ? value : names[0];
}

/** The durations of a retry config, in seconds: the two APIs name the backoffs differently (minBackoff, minBackoffDuration). */
export function retryDurations<R extends { maxRetryDuration?: DurationLike }>(
  retry: R,
  backoffs: { min: keyof R; max: keyof R },
): { maxRetryDurationSeconds: number; minBackoffSeconds: number; maxBackoffSeconds: number } {
  return {
    maxRetryDurationSeconds: durationSeconds(retry.maxRetryDuration),
    minBackoffSeconds: durationSeconds(retry[backoffs.min] as DurationLike),
    maxBackoffSeconds: durationSeconds(retry[backoffs.max] as DurationLike),
  };
}
