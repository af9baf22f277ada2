/**
 * Generated and mutated Cloud Tasks REST requests for the emulator's fuzz run, from a seeded
 * generator so that a failure replays: CreateTask and UpdateQueue (PATCH) bodies built from valid
 * ones with odd headers, URLs, bodies, durations, timestamps, names and enums, then sometimes
 * byte-mutated; odd URL paths and queries; now and then a browser's header or a wrong
 * Content-Type. `checkAnswer` says whether an answer is a Google-shaped success or error.
 */
import { seededRandom } from '../../stress/fuzz-bodies';

export { seededRandom };

type Rng = () => number;
const int = (rng: Rng, max: number) => Math.floor(rng() * max);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];
const chance = (rng: Rng, p: number) => rng() < p;

export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzTargets {
  /** projects/P/locations/L */
  parent: string;
  /** Queue ids that exist (some running, some paused). */
  queues: string[];
  /** Base URL of the loopback target tasks are sent to. */
  targetUrl: string;
}

const ODD_STRINGS = [
  '',
  ' ',
  'a b',
  '../..',
  '%2F',
  '%',
  '%zz',
  'é',
  '€',
  '😀',
  '\u0000',
  '\r\n',
  '\t',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'x'.repeat(501),
  '-',
  '_',
  '0',
];
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  '',
  'x',
  [],
  [1, 2],
  {},
  { a: 1 },
  { seconds: 'x' },
  { seconds: 1e20 },
  'NaN',
  'Infinity',
];

function oddString(rng: Rng): string {
  if (chance(rng, 0.3)) return pick(rng, ODD_STRINGS);
  return Array.from({ length: 1 + int(rng, 20) }, () =>
    String.fromCodePoint(pick(rng, [int(rng, 0x80), 0x80 + int(rng, 0x80), int(rng, 0x3000), 0x1f600])),
  ).join('');
}

function taskId(rng: Rng): string {
  if (chance(rng, 0.6)) return `t${int(rng, 1e9)}-${int(rng, 1e6)}`;
  return oddString(rng);
}

function headerName(rng: Rng): string {
  return pick(rng, [
    'X-App',
    'Content-Type',
    'content-type',
    'User-Agent',
    'Host',
    'Authorization',
    'X-CloudTasks-TaskName',
    'X-Google-Foo',
    'X-AppEngine-Bar',
    'Connection',
    'Transfer-Encoding',
    'Metadata-Flavor',
    'traceparent',
    "x!#$%&'*+.^_`|~",
    'Bad Name',
    'X:Colon',
    '',
    'Ünïcode',
    'X\r\nInjected',
    `X-${int(rng, 100)}`,
  ]);
}

function headerValue(rng: Rng): unknown {
  if (chance(rng, 0.08)) return pick(rng, ODD_VALUES);
  return pick(rng, [
    'application/json',
    'Google',
    'a\r\nSet-Cookie: x=1',
    'a\nb',
    'a\rb',
    'a\u0000b',
    '5 €',
    'café',
    'caf\u00e9',
    '\t tab',
    'x'.repeat(int(rng, 3000)),
    '\u007f',
    oddString(rng),
    '',
  ] as unknown[]);
}

function headers(rng: Rng): unknown {
  if (chance(rng, 0.05)) return pick(rng, ODD_VALUES);
  const out: Record<string, unknown> = {};
  for (let i = int(rng, 5); i > 0; i--) out[headerName(rng)] = headerValue(rng);
  return out;
}

function url(rng: Rng, targets: FuzzTargets): unknown {
  const path = `/fz/${int(rng, 1000)}${chance(rng, 0.2) ? '/fail' : ''}`;
  switch (int(rng, 14)) {
    case 0:
      return pick(rng, [
        'http://169.254.169.254/computeMetadata/v1/',
        'http://metadata.google.internal/',
        'http://[fd00:ec2::254]/',
        'http://2852039166/',
        'http://[fe80::1]/',
      ]);
    case 1:
      return pick(rng, ['http://10.0.0.1/', 'https://example.com/', 'http://0.0.0.0:1/', 'http://app.internal/']);
    case 2:
      return pick(rng, [
        'javascript:alert(1)',
        'file:///etc/passwd',
        'ftp://127.0.0.1/',
        'data:text/plain,x',
        '/relative',
        '',
        'http://',
        'http://[::1',
        'http://127.0.0.1:99999/',
      ]);
    case 3:
      return pick(rng, ODD_VALUES);
    case 4:
      return `${targets.targetUrl}/${encodeURIComponent(oddString(rng))}?q=${encodeURIComponent(oddString(rng))}`;
    case 5:
      return `${targets.targetUrl}${path}`.replace('127.0.0.1', pick(rng, ['localhost', '[::1]', '127.0.0.1', '0x7f.1']));
    case 6:
      return `${targets.targetUrl}/${'x'.repeat(int(rng, 5000))}`;
    default:
      return `${targets.targetUrl}${path}`;
  }
}

function duration(rng: Rng): unknown {
  return pick(rng, [
    '15s',
    '600s',
    '1800s',
    '1800.000000001s',
    '14.999s',
    '0.5s',
    '-5s',
    '1e3s',
    'abc',
    '600',
    600,
    null,
    '99999999999999999999s',
    '0s',
    { seconds: 30 },
    { seconds: 'x' },
    { seconds: 1e300, nanos: -1 },
    '30.1234567891s',
  ]);
}

function timestamp(rng: Rng): unknown {
  const now = Date.now();
  return pick(rng, [
    new Date(now).toISOString(),
    new Date(now + 3600_000).toISOString(),
    new Date(now - 86400_000).toISOString(),
    new Date(now + 31 * 86400_000).toISOString(),
    '1970-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '2026-13-45T25:61:61Z',
    '2026-01-01T00:00:00+25:00',
    'yesterday',
    '',
    now,
    { seconds: now / 1000 },
    { seconds: 'soon' },
    { seconds: -1e20 },
    null,
  ]);
}

function httpRequest(rng: Rng, targets: FuzzTargets): unknown {
  if (chance(rng, 0.03)) return pick(rng, ODD_VALUES);
  const request: Record<string, unknown> = { url: url(rng, targets) };
  if (chance(rng, 0.6)) request.headers = headers(rng);
  if (chance(rng, 0.5)) request.httpMethod = pick(rng, [1, 2, 3, 4, 5, 6, 7, 0, -1, 8, 99, 'POST', 'GET', 'BOGUS', null, {}, '1']);
  if (chance(rng, 0.5)) {
    request.body = pick(rng, [
      Buffer.from(JSON.stringify({ json: { v: 1, fn: 'demo.noop', args: [] } })).toString('base64'),
      Buffer.from(oddString(rng)).toString('base64url'),
      'not base64!',
      '====',
      123,
      null,
      '',
      Buffer.alloc(int(rng, 4000), int(rng, 256)).toString('base64'),
    ]);
  }
  if (chance(rng, 0.3)) {
    request.oidcToken = pick(rng, [
      { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' },
      { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com', audience: pick(rng, ['https://app.example', 42, '', oddString(rng)]) },
      { serviceAccountEmail: 'no-at-sign' },
      { serviceAccountEmail: 7 },
      'token',
      null,
      {},
    ]);
  }
  if (chance(rng, 0.03)) request.oauthToken = { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' };
  return request;
}

function queueName(rng: Rng, targets: FuzzTargets): string {
  if (chance(rng, 0.85)) return `${targets.parent}/queues/${pick(rng, targets.queues)}`;
  return pick(rng, [
    `${targets.parent}/queues/nope`,
    `${targets.parent}/queues/${oddString(rng)}`,
    'projects/other/locations/x/queues/y',
    `${targets.parent}/queues/`,
  ]);
}

/** A create that should be accepted: the odd values above reject most, and the accepted ones reach the dispatcher. */
function validTask(rng: Rng, targets: FuzzTargets, queue: string): Record<string, unknown> {
  const goodHeaders: Record<string, string> = {};
  for (let i = int(rng, 4); i > 0; i--)
    goodHeaders[pick(rng, ['X-App', 'Content-Type', 'traceparent', "x!#$%&'*+.^_`|~", `X-${int(rng, 100)}`])] = pick(rng, [
      'v',
      'café',
      '\t tab ',
      'a,b;c=d',
      '',
      'x'.repeat(int(rng, 2000)),
    ]);
  return {
    ...(chance(rng, 0.5) ? { name: `${queue}/tasks/${taskId(rng).replace(/[^A-Za-z0-9_-]/g, '') || 'x'}` } : {}),
    httpRequest: {
      url: `${targets.targetUrl}/fz/${int(rng, 1000)}${chance(rng, 0.2) ? '/fail' : ''}`,
      headers: goodHeaders,
      httpMethod: pick(rng, [1, 2, 'POST', 'PUT', undefined]),
      body: Buffer.from(oddString(rng)).toString('base64'),
      ...(chance(rng, 0.5) ? { oidcToken: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' } } : {}),
    },
    ...(chance(rng, 0.3) ? { scheduleTime: new Date(Date.now() + int(rng, 3_600_000)).toISOString() } : {}),
    ...(chance(rng, 0.3) ? { dispatchDeadline: pick(rng, ['15s', '60s', '1800s', '30.5s']) } : {}),
  };
}

function createTaskBody(rng: Rng, targets: FuzzTargets, queue: string): unknown {
  if (chance(rng, 0.3)) return { task: validTask(rng, targets, queue) };
  const task: Record<string, unknown> = { httpRequest: httpRequest(rng, targets) };
  if (chance(rng, 0.4))
    task.name = chance(rng, 0.8)
      ? `${queue}/tasks/${taskId(rng)}`
      : pick(rng, [oddString(rng), `${targets.parent}/queues/other/tasks/x`, 'tasks/x', 5]);
  if (chance(rng, 0.4)) task.scheduleTime = timestamp(rng);
  if (chance(rng, 0.4)) task.dispatchDeadline = duration(rng);
  if (chance(rng, 0.03)) task.appEngineHttpRequest = { relativeUri: '/x' };
  if (chance(rng, 0.05)) Object.defineProperty(task, '__proto__', { value: { polluted: true }, enumerable: true });
  const body: Record<string, unknown> = { task: chance(rng, 0.03) ? pick(rng, ODD_VALUES) : task };
  if (chance(rng, 0.2)) body.responseView = pick(rng, ['BASIC', 'FULL', 0, 1, 2, 3, 'x', null]);
  return body;
}

function patchQueueBody(rng: Rng, name: string): unknown {
  const queue: Record<string, unknown> = {};
  if (chance(rng, 0.3)) queue.name = chance(rng, 0.8) ? name : oddString(rng);
  if (chance(rng, 0.6)) {
    queue.rateLimits = {
      maxDispatchesPerSecond: pick(rng, [1, 5, 500, 501, 0, -1, 0.001, 1e9, 'x', null, '10']),
      ...(chance(rng, 0.5) ? { maxConcurrentDispatches: pick(rng, [1, 10, 5000, 5001, 0, -3, 1.5, 'y']) } : {}),
      ...(chance(rng, 0.2) ? { maxBurstSize: 7 } : {}),
    };
  }
  if (chance(rng, 0.6)) {
    queue.retryConfig = {
      maxAttempts: pick(rng, [1, 2, 3, -1, 0, -2, 1.5, 1e9, 'z']),
      ...(chance(rng, 0.5) ? { minBackoff: duration(rng), maxBackoff: duration(rng) } : {}),
      ...(chance(rng, 0.3) ? { maxRetryDuration: duration(rng) } : {}),
      ...(chance(rng, 0.3) ? { maxDoublings: pick(rng, [0, 1, 16, -1, 1.5, 'q']) } : {}),
    };
  }
  if (chance(rng, 0.2)) queue.state = pick(rng, ['RUNNING', 'PAUSED', 'DISABLED', 3, 'x']);
  if (chance(rng, 0.1)) queue.stackdriverLoggingConfig = { samplingRatio: pick(rng, [0, 0.5, 1, 2, -1, 'x']) };
  if (chance(rng, 0.05)) queue.appEngineRoutingOverride = { service: 'x' };
  return queue;
}

const MASK_PATHS = [
  'rateLimits.maxDispatchesPerSecond',
  'rateLimits.maxConcurrentDispatches',
  'retryConfig.maxAttempts',
  'retry_config.min_backoff',
  'retryConfig.maxBackoff',
  'retryConfig.maxRetryDuration',
  'retryConfig.maxDoublings',
  'stackdriverLoggingConfig',
  'state',
  'name',
  'bogus',
  '',
  'rateLimits',
];

/** A few random byte edits of a JSON text: flipped bytes, inserted JSON syntax, cuts, duplicated slices. */
function mutateBytes(rng: Rng, text: string): Buffer {
  const out = Array.from(Buffer.from(text));
  for (let i = 1 + int(rng, 4); i > 0; i--) {
    const at = int(rng, out.length + 1);
    switch (int(rng, 4)) {
      case 0:
        out[at] = int(rng, 256);
        break;
      case 1:
        out.splice(
          at,
          0,
          ...Buffer.from(pick(rng, ['"', '{', '}', '[', ']', ',', ':', '\\', '\\u0000', '"__proto__":', 'null', '1e999', '\\ud800'])),
        );
        break;
      case 2:
        out.splice(at, int(rng, 16));
        break;
      default:
        out.splice(at, 0, ...out.slice(int(rng, out.length), int(rng, out.length)));
    }
  }
  return Buffer.from(out);
}

/** The body as sent: JSON, sometimes mutated, now and then not JSON at all. */
function encode(rng: Rng, value: unknown): Buffer {
  const text = JSON.stringify(value) ?? 'null';
  if (chance(rng, 0.12)) return mutateBytes(rng, text);
  if (chance(rng, 0.02)) return Buffer.from(pick(rng, ['', '[]', 'null', '"x"', '1', '{', 'x'.repeat(100)]));
  return Buffer.from(text);
}

/** Escapes a name for a URL path, sometimes badly (raw, double-escaped, a broken %-escape). */
function pathOf(rng: Rng, name: string): string {
  const segments = name.split('/');
  switch (int(rng, 10)) {
    case 0:
      return segments.join('/');
    case 1:
      return segments.map((s) => encodeURIComponent(encodeURIComponent(s))).join('/');
    case 2:
      return `${segments.map(encodeURIComponent).join('/')}%`;
    default:
      return segments.map(encodeURIComponent).join('/');
  }
}

function requestHeaders(rng: Rng, hostPort: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  switch (int(rng, 40)) {
    case 0:
      headers['content-type'] = 'text/plain';
      break;
    case 1:
      delete headers['content-type'];
      break;
    case 2:
      headers.origin = 'null';
      break;
    case 3:
      headers['sec-fetch-site'] = 'cross-site';
      break;
    case 4:
      headers.origin = `http://${hostPort}`;
      headers['sec-fetch-site'] = 'same-origin';
      break;
    case 5:
      headers['content-type'] = 'application/json; charset=utf-8';
      break;
    default:
      break;
  }
  return headers;
}

const QUERIES = [
  '',
  '?$alt=json;enum-encoding=int',
  '?$alt=json%3Benum-encoding=int',
  '?updateMask=',
  '?%',
  '?pageSize=-1',
  '?responseView=FULL',
];

/** One request: ~60% CreateTask, ~32% UpdateQueue, the rest other writes and odd paths. */
export function fuzzRequest(rng: Rng, targets: FuzzTargets, hostPort: string): FuzzRequest {
  const headers = requestHeaders(rng, hostPort);
  const roll = rng();
  if (roll < 0.6) {
    const queue = queueName(rng, targets);
    return {
      kind: 'create',
      method: 'POST',
      path: `/v2/${pathOf(rng, queue)}/tasks${pick(rng, QUERIES)}`,
      headers,
      body: encode(rng, createTaskBody(rng, targets, queue)),
    };
  }
  if (roll < 0.92) {
    // A small pool of names: PATCH creates a missing queue, as Cloud Tasks does.
    const name = chance(rng, 0.9)
      ? `${targets.parent}/queues/${pick(rng, [...targets.queues, 'fz-patched-1', 'fz-patched-2', 'fz-patched-3'])}`
      : queueName(rng, targets);
    const mask = chance(rng, 0.6)
      ? `?updateMask=${Array.from({ length: 1 + int(rng, 3) }, () => pick(rng, MASK_PATHS)).join(',')}`
      : pick(rng, QUERIES);
    return {
      kind: 'patch',
      method: 'PATCH',
      path: `/v2/${pathOf(rng, name)}${mask}`,
      headers,
      body: encode(rng, patchQueueBody(rng, name)),
    };
  }
  const queue = queueName(rng, targets);
  const other: [string, string, unknown][] = [
    ['POST', `/v2/${pathOf(rng, queue)}:${pick(rng, ['pause', 'resume', 'purge', 'bogus', ''])}`, {}],
    ['POST', `/v2/${pathOf(rng, `${queue}/tasks/${taskId(rng)}`)}:run`, { responseView: pick(rng, ['FULL', 7]) }],
    [
      'POST',
      `/v2/${targets.parent}/queues`,
      { name: chance(rng, 0.5) ? `${targets.parent}/queues/fz-new-${int(rng, 5)}` : oddString(rng) },
    ],
    ['DELETE', `/v2/${pathOf(rng, `${queue}/tasks/${taskId(rng)}`)}`, undefined],
    ['GET', `/v2/${pathOf(rng, queue)}/tasks${pick(rng, QUERIES)}`, undefined],
    [pick(rng, ['PUT', 'POST', 'PATCH']), `/v2/${oddString(rng).replace(/[#?]/g, '')}`, {}],
  ];
  const [method, path, body] = pick(rng, other);
  return { kind: `other-${method.toLowerCase()}`, method, path, headers, body: body === undefined ? undefined : encode(rng, body) };
}

const API_STATUSES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
};

/** Why the answer is not a Google-shaped success or error, or undefined if it is. */
export function checkAnswer(status: number, contentType: string | undefined, text: string): string | undefined {
  if (!/^application\/json\b/.test(contentType ?? '')) return `content-type ${contentType}`;
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 100)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not an object: ${text.slice(0, 100)}`;
  if (status === 200) return 'error' in value ? `200 with an error: ${text.slice(0, 200)}` : undefined;
  const error = value.error;
  const keys = error && typeof error === 'object' ? Object.keys(error).sort().join(',') : '';
  if (keys !== 'code,message,status' && keys !== 'code,details,message,status')
    return `error envelope keys "${keys}": ${text.slice(0, 200)}`;
  // google.rpc details (Google's Help link, the emulator's DebugInfo hint), each tagged with its type.
  if (keys.includes('details')) {
    const details = error.details as unknown;
    const typed = Array.isArray(details) && details.every((d) => /^type\.googleapis\.com\/google\.rpc\.\w+$/.test(String(d?.['@type'])));
    if (!typed) return `error details not google.rpc typed: ${text.slice(0, 200)}`;
  }
  if (error.code !== status || API_STATUSES[error.status] !== status) return `status ${status} with ${error.code} ${error.status}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'empty error message';
  return undefined;
}
