/**
 * `retry_parameters`, the block queue.yaml and cron.yaml share: the same walk over its keys, the
 * same ways of writing a value (a whole number, seconds, an age like `1.5h`) and the same
 * min-above-max check. What differs is App Engine's wording for each file, which each file's
 * table keeps exactly (queues/validate-retry.ts, cron/validate-retry.ts).
 */
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { asNumber, describe, type ProblemCollector, scalarValue } from './problems.js';
import { parseAgeLimit } from './units.js';

/** An age limit as written (`2d`): whole seconds (> 0) and the text. */
export interface AgeLimit {
  seconds: number;
  text: string;
}

/** One key of the block: how its value is written, where it goes, and App Engine's words for what is wrong. */
export interface RetryField {
  type: 'whole' | 'seconds' | 'age';
  /** The result's property that holds the value. */
  property: string;
  /** The message for a value that is not of its type. @default "<key> must be a whole number / a number of seconds, got <value>" */
  malformed?: (raw: unknown) => string;
  /** The message for a value of the right type that is out of range (an age in seconds); undefined when it is fine. */
  check?: (value: number, raw: unknown) => string | undefined;
}

export interface RetryBlock {
  /** Whose block, for messages: 'queue "mail"', 'cron job "daily summary"'. */
  owner: string;
  /** Its keys, in the order messages list them. */
  fields: Record<string, RetryField>;
  /** The message when min_backoff_seconds is above max_backoff_seconds. */
  minAboveMax: (min: number, max: number) => string;
}

const MALFORMED: Record<RetryField['type'], (key: string, raw: unknown) => string> = {
  whole: (key, raw) => `${key} must be a whole number, got ${describe(raw)}`,
  seconds: (key, raw) => `${key} must be a number of seconds, got ${describe(raw)}`,
  age: (key, raw) => `${key} must be in s, m, h or d: got ${describe(raw)}; write e.g. 2d, 1.5h, 30m or 45s`,
};

/** The value as its type reads it: a number (whole or seconds), an AgeLimit, or undefined when malformed. */
function readValue(type: RetryField['type'], raw: unknown): { n: number; value: number | AgeLimit } | undefined {
  if (type === 'age') {
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
    const seconds = parseAgeLimit(text);
    return seconds === undefined ? undefined : { n: seconds, value: { seconds, text: text.trim() } };
  }
  const n = asNumber(raw);
  if (n === undefined || (type === 'whole' && !Number.isInteger(n))) return undefined;
  return { n, value: n };
}

/**
 * Reads a `retry_parameters` mapping: every problem reported at its line, the valid values in
 * their properties. Undefined when the block is empty or not a mapping.
 */
export function readRetryParameters(node: Node | null, block: RetryBlock, problems: ProblemCollector): Record<string, unknown> | undefined {
  if (node == null || (isScalar(node) && node.value == null)) return undefined; // `retry_parameters:` with nothing under it
  const keys = Object.keys(block.fields).join(', ');
  if (!isMap(node)) {
    problems.error(node, 'retry_parameters', `retry_parameters of ${block.owner} must be a mapping of ${keys}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  let minAt: Node | undefined;
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    const field = Object.hasOwn(block.fields, key) ? block.fields[key] : undefined;
    if (!field) {
      problems.error(
        pair.key,
        `retry_parameters.${key}`,
        `Unknown key "${key}" in retry_parameters of ${block.owner}; allowed keys: ${keys}`,
      );
      continue;
    }
    const raw = scalarValue(pair.value);
    const at = pair.value ?? pair.key;
    const read = readValue(field.type, raw);
    const problem = read ? field.check?.(read.n, raw) : (field.malformed ?? ((r) => MALFORMED[field.type](key, r)))(raw);
    if (problem) problems.error(at, `retry_parameters.${key}`, problem);
    else {
      out[field.property] = read!.value;
      if (key === 'min_backoff_seconds') minAt = at;
    }
  }
  const [min, max] = [out.minBackoffSeconds, out.maxBackoffSeconds] as (number | undefined)[];
  if (min !== undefined && max !== undefined && min > max)
    problems.error(minAt, 'retry_parameters.min_backoff_seconds', block.minAboveMax(min, max));
  return out;
}
