/**
 * What a dead task carries when the dead-letter sink keeps it in a dead-letter queue: the task
 * itself, unchanged (URL, headers, body), plus these headers, so that the CLI can list, inspect
 * and replay it with nothing from the logs. The handler reads only `X-CloudTasks-*`, so a dead
 * task that is run (a resumed dead-letter queue) runs as it would have; a replay strips them.
 */
export const DEAD_LETTER_HEADERS = {
  /** `final-attempt`, `permanent-failure`, `undecodable` or `unknown-function` (DeadLetterReason, contract/outcomes.ts). */
  reason: 'X-Deferred-Dead-Reason',
  /** The last error, as the handler logged it. */
  error: 'X-Deferred-Dead-Error',
  /** The queue the task came from, where a replay sends it back. */
  queue: 'X-Deferred-Dead-Queue',
  /** The task's short id in that queue (X-CloudTasks-TaskName), as the logs name it. */
  task: 'X-Deferred-Dead-Task',
  /** Attempts made, the last included. */
  attempts: 'X-Deferred-Dead-Attempts',
  /** The deferrable function's id; absent when the body did not decode. */
  functionId: 'X-Deferred-Dead-Function',
  /** gs://bucket/object of the task's offloaded payload, kept for the replay (DEFERRED_PAYLOAD_BUCKET). */
  payloadObject: 'X-Deferred-Dead-Payload',
} as const;

const PREFIX = 'x-deferred-dead-';

/** A header of ours (any case): never copied from a delivery, stripped on replay. */
export const isDeadLetterHeader = (name: string): boolean => name.toLowerCase().startsWith(PREFIX);

export interface DeadLetterMetadata {
  reason: string;
  error: string;
  queue?: string;
  task?: string;
  attempts?: number;
  functionId?: string;
  payloadObject?: string;
}

type Headerish = Readonly<Record<string, string>> | null | undefined;

/** Error texts can be long; a dead task keeps the start (the whole one is in the log entry). */
const MAX_TEXT_CHARS = 2000;

/**
 * Any text as a header value that every HTTP stack accepts: printable ASCII, with `\` escaped
 * and everything else (CR/LF, non-Latin, edge spaces that would be trimmed) as `\uXXXX`.
 */
export function encodeHeaderText(text: string, maxChars = MAX_TEXT_CHARS): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  const escape = (c: string) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return cut.replace(/\\|[^\x20-\x7e]|^ | $/g, escape);
}

export function decodeHeaderText(value: string): string {
  return value.replace(/\\(\\|u[0-9a-fA-F]{4})/g, (_, escape: string) =>
    escape === '\\' ? '\\' : String.fromCharCode(Number.parseInt(escape.slice(1), 16)),
  );
}

export function writeDeadLetterHeaders(meta: DeadLetterMetadata): Record<string, string> {
  const headers: Record<string, string> = {
    [DEAD_LETTER_HEADERS.reason]: encodeHeaderText(meta.reason),
    [DEAD_LETTER_HEADERS.error]: encodeHeaderText(meta.error),
  };
  if (meta.queue) headers[DEAD_LETTER_HEADERS.queue] = encodeHeaderText(meta.queue);
  if (meta.task) headers[DEAD_LETTER_HEADERS.task] = encodeHeaderText(meta.task);
  if (meta.attempts !== undefined) headers[DEAD_LETTER_HEADERS.attempts] = String(meta.attempts);
  if (meta.functionId) headers[DEAD_LETTER_HEADERS.functionId] = encodeHeaderText(meta.functionId);
  if (meta.payloadObject) headers[DEAD_LETTER_HEADERS.payloadObject] = encodeHeaderText(meta.payloadObject);
  return headers;
}

/** The metadata of a stored task's headers (any case), or undefined when it is not a dead task of ours. */
export function readDeadLetterHeaders(headers: Headerish): DeadLetterMetadata | undefined {
  const lower = new Map(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const get = (name: string) => {
    const value = lower.get(name.toLowerCase());
    return value === undefined ? undefined : decodeHeaderText(value);
  };
  const reason = get(DEAD_LETTER_HEADERS.reason);
  if (reason === undefined) return undefined;
  const attempts = Number(get(DEAD_LETTER_HEADERS.attempts));
  return {
    reason,
    error: get(DEAD_LETTER_HEADERS.error) ?? '',
    queue: get(DEAD_LETTER_HEADERS.queue),
    task: get(DEAD_LETTER_HEADERS.task),
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : undefined,
    functionId: get(DEAD_LETTER_HEADERS.functionId),
    ...(get(DEAD_LETTER_HEADERS.payloadObject) && { payloadObject: get(DEAD_LETTER_HEADERS.payloadObject) }),
  };
}

/** The task's headers without ours: what a replay sends. */
export function withoutDeadLetterHeaders(headers: Headerish): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !isDeadLetterHeader(name)));
}
