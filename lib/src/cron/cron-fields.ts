/**
 * Sets of values to unix-cron fields and back: `[0, 5, ..., 55]` is `*\/5`, `[10, 12, 14]` is
 * `10-14/2`, `[1, 2, 3, 7]` is `1-3,7`. The shortest exact spelling, so translated schedules read
 * like ones a person would write.
 */

export interface FieldRange {
  min: number;
  max: number;
}

export const MINUTE: FieldRange = { min: 0, max: 59 };
export const HOUR: FieldRange = { min: 0, max: 23 };
export const DAY_OF_MONTH: FieldRange = { min: 1, max: 31 };
export const MONTH: FieldRange = { min: 1, max: 12 };
export const DAY_OF_WEEK: FieldRange = { min: 0, max: 6 };

/** Runs of consecutive values: [1,2,3,7] -> "1-3,7". */
function listOf(values: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    parts.push(j === i ? String(values[i]) : j === i + 1 ? `${values[i]},${values[j]}` : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The unix-cron spelling of `values` (distinct, within `range`). Step forms (`*\/5`, `10-14/2`)
 * only for three values or more, and never for days of the week: `1,3,5` reads better than `1-5/2`.
 */
export function formatField(values: readonly number[], range: FieldRange): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('a cron field needs at least one value');
  if (sorted.length === range.max - range.min + 1) return '*';
  if (sorted.length === 1) return String(sorted[0]);
  const step = sorted[1] - sorted[0];
  const evenlySpaced = sorted.every((value, i) => i === 0 || value - sorted[i - 1] === step);
  if (evenlySpaced && step === 1) return `${sorted[0]}-${sorted.at(-1)}`;
  if (evenlySpaced && sorted.length > 2 && range !== DAY_OF_WEEK) {
    // `*/s` only when it means exactly these values: from the field's start to as far as the step reaches.
    if (sorted[0] === range.min && sorted.at(-1)! + step > range.max) return `*/${step}`;
    return `${sorted[0]}-${sorted.at(-1)}/${step}`;
  }
  return listOf(sorted);
}
