/**
 * A task's own HTTP headers: which names and values HTTP allows, and which headers Cloud Tasks
 * (or the adapter) sets itself. One module for `defer()` (checked before any network call) and
 * for the emulator's CreateTask and dispatch, so the two can never disagree about a header.
 */

/** RFC 7230 `token`: the characters a header name may have (Cloud Tasks and Node both refuse others). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * What Node's http client accepts in a value (its checkInvalidHeaderChar): HTAB, visible ASCII,
 * space and Latin-1 (0x80-0xFF). CR, LF and NUL would split or end the header; a character above
 * U+00FF cannot be sent at all (ERR_INVALID_CHAR at dispatch).
 */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Who sets a reserved header, and therefore what a task's own value for it means. */
export type ReservedHeaderOwner =
  /** Cloud Tasks sets or computes it on every delivery: a task's value is ignored (dropped at dispatch). */
  | 'cloud-tasks'
  /** A hop-by-hop or framing header the HTTP client computes: a task's value is dropped at dispatch. */
  | 'transport'
  /** The adapter sets it on every task (`defer()` refuses it); other clients may set it. */
  | 'adapter';

interface ReservedHeader {
  pattern: RegExp;
  owner: ReservedHeaderOwner;
  why: string;
}

/**
 * The one list of reserved headers. Cloud Tasks' HttpRequest docs: Host and Content-Length are
 * computed, User-Agent is "Google-Cloud-Tasks", X-CloudTasks-* are service headers, X-Google-*
 * and X-AppEngine-* are Google's; Authorization carries the task's OIDC token.
 */
const RESERVED_HEADERS: readonly ReservedHeader[] = [
  { pattern: /^host$/i, owner: 'cloud-tasks', why: 'Cloud Tasks derives it from the URL' },
  { pattern: /^content-length$/i, owner: 'cloud-tasks', why: 'Cloud Tasks computes it from the body' },
  { pattern: /^user-agent$/i, owner: 'cloud-tasks', why: 'Cloud Tasks sets it to "Google-Cloud-Tasks"' },
  { pattern: /^authorization$/i, owner: 'cloud-tasks', why: "Cloud Tasks sets it to the task's OIDC token" },
  { pattern: /^x-cloudtasks-/i, owner: 'cloud-tasks', why: 'X-CloudTasks-* are the service headers Cloud Tasks sets' },
  { pattern: /^x-google-/i, owner: 'cloud-tasks', why: 'X-Google-* are for Google use only' },
  { pattern: /^x-appengine-/i, owner: 'cloud-tasks', why: 'X-AppEngine-* are for Google use only' },
  {
    pattern: /^(connection|keep-alive|transfer-encoding|te|trailer|upgrade|proxy-connection)$/i,
    owner: 'transport',
    why: 'it is a hop-by-hop header the HTTP client sets',
  },
  { pattern: /^content-type$/i, owner: 'adapter', why: 'the adapter sends every task body as application/json' },
];

/** Why `name` is reserved, and by whom; undefined for a header a task may set. */
export function reservedHeader(name: string): { owner: ReservedHeaderOwner; why: string } | undefined {
  const entry = RESERVED_HEADERS.find((header) => header.pattern.test(name));
  return entry && { owner: entry.owner, why: entry.why };
}

/** Whether a task's own value for `name` is dropped at delivery, as Cloud Tasks ignores it. */
export function isReplacedAtDispatch(name: string): boolean {
  const owner = reservedHeader(name)?.owner;
  return owner === 'cloud-tasks' || owner === 'transport';
}

const describeChar = (char: string) => {
  const code = char.codePointAt(0)!;
  const names: Record<number, string> = { 0: 'NUL', 10: 'LF (line feed)', 13: 'CR (carriage return)', 127: 'DEL' };
  return `${names[code] ?? (code < 32 ? 'a control character' : `"${char}"`)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
};

/**
 * What is wrong with one header (its name, its value), or undefined if HTTP can carry it.
 * The message names the header, never quotes its value (it may be user data, or huge).
 */
export function headerProblem(name: string, value: unknown): string | undefined {
  if (!HEADER_NAME.test(name)) {
    return `header name ${JSON.stringify(name)} is not a valid HTTP header name (RFC 7230 token: letters, digits and !#$%&'*+-.^_\`|~)`;
  }
  if (typeof value !== 'string') return `header "${name}" must have a string value, got ${value === null ? 'null' : typeof value}`;
  const bad = INVALID_VALUE_CHAR.exec(value);
  if (bad) {
    return (
      `header "${name}" has ${describeChar(bad[0])} at position ${bad.index} of its value; HTTP header values allow only tab, ` +
      'visible ASCII, space and Latin-1 (no CR, LF or NUL, nothing above U+00FF): encode the value (e.g. encodeURIComponent or base64)'
    );
  }
  return undefined;
}

/** The first problem among `headers` (see headerProblem), or undefined if every header is valid. */
export function headersProblem(headers: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}
