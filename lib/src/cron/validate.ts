import { isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { EnvelopeEncodeError, encodeEnvelope } from '../contract/envelope.js';
import { describe, type ProblemCollector } from '../deploy/problems.js';
import { parseAgeLimit } from '../deploy/units.js';
import { readEntry, type EntryFields, type EntryShape } from '../deploy/yaml-entries.js';
import { DEFERRABLE_ID_PATTERN } from '../contract/names.js';
import { SCHEDULER_DEFAULTS, SCHEDULER_LIMITS } from './defaults.js';
import { jobIdFor } from './job-id.js';
import { isKnownTimeZone } from './next-runs.js';
import { ScheduleError, translateSchedule } from './schedule.js';
import type { CronJobDefinition, CronJobTarget } from './types.js';
import { validateCronRetry } from './validate-retry.js';

/** App Engine's keys, then our extensions (`function`, `args`, `attempt_deadline`). */
export const CRON_KEYS = [
  'description',
  'url',
  'schedule',
  'timezone',
  'target',
  'retry_parameters',
  'function',
  'args',
  'attempt_deadline',
] as const;
type CronKey = (typeof CRON_KEYS)[number];

const CRON_ENTRY: EntryShape<CronKey> = {
  keys: CRON_KEYS,
  notAMapping: 'each entry under "cron:" must be a mapping with at least url (or function) and schedule',
  entry: 'a cron entry',
};

const NOT_DATA = Symbol('not JSON data');

/** A YAML node as plain data; NOT_DATA for aliases and for anything that is not JSON (a !!binary, a NaN). */
function nodeData(node: unknown): unknown {
  if (isAlias(node)) return NOT_DATA;
  if (isScalar(node)) return isJsonData(node.value) ? node.value : NOT_DATA;
  if (isSeq(node)) {
    const items = node.items.map(nodeData);
    return items.includes(NOT_DATA) ? NOT_DATA : items;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items as Pair<Node, Node>[]) {
      const value = nodeData(pair.value);
      if (value === NOT_DATA || !isScalar(pair.key)) return NOT_DATA;
      // An own property even for "__proto__", so the envelope check below sees (and refuses) it.
      Object.defineProperty(out, String(pair.key.value), { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return NOT_DATA;
}

/** Plain JSON data: what a YAML `args:` list may hold, and what survives the trip as the function's arguments. */
function isJsonData(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonData(item, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).every((item) => isJsonData(item, depth + 1));
  return false;
}

/**
 * Validates one entry of the `cron:` list with App Engine's rules (croninfo.py's CronEntry), plus
 * our extensions. Reports every problem and returns the job only when the entry is usable.
 */
export function validateCronEntry(node: Node, problems: ProblemCollector): CronJobDefinition | undefined {
  const entry = readEntry(node, CRON_ENTRY, problems);
  if (!entry) return undefined;
  const { has, value: valueNode, at, text } = entry;

  const description = text('description') ?? '';
  if (description.length > SCHEDULER_LIMITS.maxDescriptionLength) {
    problems.error(
      at('description'),
      'description',
      `description is ${description.length} characters long; App Engine allows at most ${SCHEDULER_LIMITS.maxDescriptionLength}`,
    );
  }
  const target = validateTarget(entry, problems);
  const label = description || (target?.kind === 'url' ? target.path : target?.kind === 'function' ? target.functionId : '(unnamed)');

  const scheduleText = text('schedule');
  let translated;
  if (scheduleText === undefined || scheduleText.trim() === '') {
    problems.error(
      at('schedule'),
      'schedule',
      `Missing required value "schedule" for cron job "${label}": write e.g. "schedule: every day 09:00" or a unix-cron line like "0 9 * * *"`,
    );
  } else {
    try {
      translated = translateSchedule(scheduleText);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.error(
        at('schedule'),
        'schedule',
        error.kind === 'inexact' ? `no exact unix-cron translation: ${error.message}` : error.message,
      );
    }
  }

  const timeZone = text('timezone') ?? SCHEDULER_DEFAULTS.timeZone;
  if (has('timezone') && !isKnownTimeZone(timeZone)) {
    problems.error(
      at('timezone'),
      'timezone',
      `timezone "${timeZone}" is unknown: use a tz database name like America/Los_Angeles, Europe/Paris or UTC`,
    );
  }

  const service = text('target');
  if (has('target') && (service === undefined || !SCHEDULER_LIMITS.targetPattern.test(service))) {
    problems.error(
      at('target'),
      'target',
      `Value ${describe(service ?? '')} for target does not match expression "[service:]version" (lowercase letters, digits and hyphens)`,
    );
  }

  let attemptDeadlineSeconds: number | undefined;
  if (has('attempt_deadline')) {
    const raw = text('attempt_deadline') ?? '';
    const seconds = parseAgeLimit(raw);
    const { minAttemptDeadlineSeconds: min, maxAttemptDeadlineSeconds: max } = SCHEDULER_LIMITS;
    if (seconds === undefined || seconds < min || seconds > max) {
      problems.error(
        at('attempt_deadline'),
        'attempt_deadline',
        `attempt_deadline must be from 15s to 30m (Cloud Scheduler's limits for HTTP targets), got ${describe(raw)}`,
      );
    } else attemptDeadlineSeconds = seconds;
  }

  const retryParameters = has('retry_parameters') ? validateCronRetry(valueNode('retry_parameters'), label, problems) : undefined;

  if (!target || !translated || entry.hasErrors()) return undefined;
  const schedule = scheduleText!.trim();
  return {
    id: jobIdFor(description, target, schedule),
    description,
    target,
    schedule,
    cron: translated.cron,
    scheduleFormat: translated.format,
    timeZone,
    ...(service !== undefined && { service }),
    ...(retryParameters && Object.keys(retryParameters).length > 0 && { retryParameters }),
    ...(attemptDeadlineSeconds !== undefined && { attemptDeadlineSeconds }),
    position: problems.at(node),
  };
}

/** `url` (App Engine) or `function` + `args` (our extension): exactly one of the two. */
function validateTarget({ has, text, at, value: valueNode }: EntryFields<CronKey>, problems: ProblemCollector): CronJobTarget | undefined {
  const hasUrl = has('url');
  const hasFunction = has('function');
  if (hasUrl && hasFunction) {
    problems.error(
      at('function'),
      'function',
      'a cron job has either url (a route of your app) or function (a deferrable function), not both',
    );
    return undefined;
  }
  if (!hasUrl && !hasFunction) {
    problems.error(
      at('url'),
      'url',
      'Missing required value "url": give the route the job calls (e.g. "url: /tasks/summary"), or "function: <deferrable id>" to run a deferrable function',
    );
    return undefined;
  }
  if (hasUrl) {
    const path = text('url') ?? '';
    if (!path.startsWith('/')) {
      problems.error(
        at('url'),
        'url',
        `Value ${describe(path)} for url does not match expression "^/.*$": write the path of the route, starting with "/" (the host comes from DEFERRED_SERVICE_URL or --target-url)`,
      );
      return undefined;
    }
    if (has('args'))
      problems.error(
        at('args'),
        'args',
        'args only goes with function: a url job sends no arguments (App Engine cron calls the URL with GET)',
      );
    return { kind: 'url', path };
  }
  const functionId = text('function') ?? '';
  if (!DEFERRABLE_ID_PATTERN.test(functionId)) {
    problems.error(
      at('function'),
      'function',
      `function ${describe(functionId)} is not a deferrable id: the id given to deferrable(id, fn), 1-100 letters, digits, "_", "." or "-", starting with a letter`,
    );
    return undefined;
  }
  return validateArgs(functionId, valueNode('args'), problems);
}

function validateArgs(functionId: string, node: Node | null, problems: ProblemCollector): CronJobTarget | undefined {
  if (node === null || (isScalar(node) && node.value == null)) return { kind: 'function', functionId, args: [] };
  if (!isSeq(node)) {
    problems.error(node, 'args', `args of "${functionId}" must be a list of the function's arguments, e.g. "args: [eu, 10]"`);
    return undefined;
  }
  const args = node.items.map(nodeData);
  const bad = args.indexOf(NOT_DATA);
  if (bad >= 0) {
    problems.error(
      node.items[bad] as Node,
      'args',
      `argument ${bad + 1} of "${functionId}" is not plain JSON data (strings, numbers, booleans, null, lists, mappings)`,
    );
    return undefined;
  }
  try {
    encodeEnvelope(functionId, args, { enqueuedAt: 0 });
  } catch (error) {
    if (!(error instanceof EnvelopeEncodeError)) throw error;
    problems.error(node, 'args', error.message);
    return undefined;
  }
  return { kind: 'function', functionId, args };
}
