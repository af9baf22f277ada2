/** Parsing of queue.yaml's unit-suffixed values: `rate` (5/s, 6/m, 0) and `task_age_limit` (1.5h). */

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;
type Unit = keyof typeof SECONDS_PER_UNIT;

/** App Engine's rate grammar: the literal 0, or number/unit. */
const RATE = /^(?:0|([0-9]+(?:\.[0-9]*)?)\/([smhd]))$/;
const AGE_LIMIT = /^([0-9]+(?:\.[0-9]*)?)([smhd])$/;

/** Tasks per second for a rate like `5/s` or `6/m`; undefined when the text is not a rate. */
export function parseRate(text: string): number | undefined {
  const m = RATE.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === undefined) return 0;
  return Number(m[1]) / SECONDS_PER_UNIT[m[2] as Unit];
}

/**
 * Seconds for an age limit like `2d`, `1.5h`, `30m`, `45s`; undefined when malformed.
 * Truncated to whole seconds as App Engine does (so `0.5s` is 0, which validation then refuses).
 */
export function parseAgeLimit(text: string): number | undefined {
  const m = AGE_LIMIT.exec(text.trim());
  if (!m) return undefined;
  return Math.trunc(Number(m[1]) * SECONDS_PER_UNIT[m[2] as Unit]);
}

/** Seconds for display, to the millisecond: `0.1s`, `3600s`. */
export function formatSeconds(n: number): string {
  return `${Math.round(n * 1000) / 1000}s`;
}
