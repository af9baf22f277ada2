/**
 * What a cron.yaml job calls: `url` (a route of the app, App Engine's) or `function` + `args` (a
 * deferrable function and its JSON arguments, our extension), exactly one of the two.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { EnvelopeEncodeError, encodeEnvelope } from '../contract/envelope.js';
import { DEFERRABLE_ID_PATTERN } from '../contract/names.js';
import { describe, type ProblemCollector } from '../deploy/problems.js';
import type { EntryFields } from '../deploy/yaml-entries.js';
import type { CronJobTarget } from './types.js';

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

/** `url` (App Engine) or `function` + `args` (our extension): exactly one of the two. */
export function validateTarget(
  { has, text, at, value: valueNode }: EntryFields<'url' | 'function' | 'args'>,
  problems: ProblemCollector,
): CronJobTarget | undefined {
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
