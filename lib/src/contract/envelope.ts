import { SuperJSON } from 'superjson';
import { DeferredError } from './errors.js';
import type { RetryConfig } from './queue-settings.js';
import { classIdsOf, standInClass, unregisteredClassMessage } from './envelope-classes.js';
import { isPlainJson } from './plain-json.js';

/**
 * The body of every deferred task: which function to run and its arguments.
 * superjson keeps Dates, Maps, Sets, BigInts and undefined intact across the trip.
 * `v` versions the format so that a task enqueued by an older deploy is still understood.
 */
export interface TaskEnvelope {
  v: 1;
  /** The deferrable function's stable id. */
  fn: string;
  args: unknown[];
  /** When `defer` created the task (ms since epoch). */
  enqueuedAt: number;
  /** When the first attempt was due (ms since epoch), if later than `enqueuedAt`: where Cloud Tasks' max retry duration starts. */
  scheduledAt?: number;
  /**
   * The task's own retry settings, when `defer` gave it some (`Task.retry_config`): the handler
   * judges the last attempt by these instead of the queue's, so it still dead-letters it.
   */
  retry?: RetryConfig;
}

/** What `defer` knows of a task besides its call: when it was made and due, and its own retry settings. */
export interface EnvelopeMeta {
  enqueuedAt?: number;
  scheduledAt?: number;
  retry?: RetryConfig;
}

export const ENVELOPE_VERSION = 1;

/** Where an offloaded envelope is, and what it must be: checked before a byte of it is decoded. */
export interface PayloadReference {
  bucket: string;
  object: string;
  /** Exact size of the object, in bytes. */
  bytes: number;
  /** SHA-256 of the object, lowercase hex. */
  sha256: string;
}

/**
 * The reference form of the body, for an envelope too big for a task (DEFERRED_PAYLOAD_BUCKET):
 * the envelope itself is the object `ref` names. Its own version, 2, so that a deploy from before
 * offloading refuses it (undecodable) rather than reading it as a call without arguments.
 * `fn` and the times repeat the envelope's, for logs and retry limits when the object is unreadable.
 */
export interface ReferenceEnvelope {
  v: 2;
  fn: string;
  ref: PayloadReference;
  enqueuedAt: number;
  scheduledAt?: number;
  retry?: RetryConfig;
}

export const REFERENCE_ENVELOPE_VERSION = 2;

/** A task body that can never run: the handler dead-letters it. */
export class EnvelopeDecodeError extends DeferredError {
  override name = 'EnvelopeDecodeError';
}

/** Arguments that cannot travel in a task; thrown by `defer` before any network call. */
export class EnvelopeEncodeError extends DeferredError {
  override name = 'EnvelopeEncodeError';
  /** Where in the arguments the value is, like `args[0].point`, when one value is the problem. */
  readonly path?: string;
  constructor(
    readonly fn: string,
    message: string,
    options?: { cause?: unknown; path?: string },
  ) {
    super(message, options);
    if (options?.path !== undefined) this.path = options.path;
  }
}

/**
 * Without the app's classes: enough for envelopes of plain data (cron.yaml's arguments). defer()
 * and the handler pass the app's (runtime/class-registry.ts).
 */
const PLAIN = new SuperJSON();

export function encodeEnvelope(
  fn: string,
  args: unknown[],
  meta: EnvelopeMeta = {},
  serializer: SuperJSON = PLAIN,
): Uint8Array<ArrayBuffer> {
  const envelope: TaskEnvelope = { v: ENVELOPE_VERSION, fn, args, enqueuedAt: meta.enqueuedAt ?? Date.now() };
  if (meta.scheduledAt !== undefined && meta.scheduledAt > envelope.enqueuedAt) envelope.scheduledAt = meta.scheduledAt;
  if (meta.retry) envelope.retry = meta.retry;
  let text: string;
  try {
    // Plain data needs none of superjson's annotations: the same text, without its walk.
    text = isPlainJson(envelope) ? JSON.stringify({ json: envelope }) : serializer.stringify(envelope);
  } catch (error) {
    // superjson refuses keys named constructor, prototype or __proto__ (a prototype-pollution
    // guard), and such an object could not be decoded safely by the handler either.
    throw new EnvelopeEncodeError(
      fn,
      `the arguments of "${fn}" cannot be encoded: ${(error as Error).message} Rename the key, or pass such data as a Map or a JSON string.`,
      { cause: error },
    );
  }
  return new TextEncoder().encode(text);
}

/** The small body a task carries instead of an offloaded envelope. */
export function encodeReferenceEnvelope(fn: string, ref: PayloadReference, meta: EnvelopeMeta & { enqueuedAt: number }): Uint8Array {
  const envelope: ReferenceEnvelope = { v: REFERENCE_ENVELOPE_VERSION, fn, ref, enqueuedAt: meta.enqueuedAt };
  if (meta.scheduledAt !== undefined && meta.scheduledAt > meta.enqueuedAt) envelope.scheduledAt = meta.scheduledAt;
  if (meta.retry) envelope.retry = meta.retry;
  return new TextEncoder().encode(JSON.stringify(envelope));
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A body in the reference form, or undefined when it is not one (an inline envelope, or garbage). */
export function readReferenceEnvelope(body: Uint8Array | string): ReferenceEnvelope | undefined {
  // Inline envelopes are superjson ({"json":...}); a reference is plain JSON starting with {"v":2.
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 16)).toString('latin1');
  if (!text.startsWith(`{"v":${REFERENCE_ENVELOPE_VERSION},`)) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new EnvelopeDecodeError('task body is a payload reference that is not valid JSON');
  }
  const { fn, ref, enqueuedAt, scheduledAt, retry } = value;
  const r = (ref ?? {}) as Record<string, unknown>;
  if (typeof fn !== 'string' || fn === '') throw new EnvelopeDecodeError('payload reference has no function id (fn)');
  if (typeof r.bucket !== 'string' || typeof r.object !== 'string' || r.object === '')
    throw new EnvelopeDecodeError('payload reference names no bucket and object');
  if (typeof r.bytes !== 'number' || !Number.isSafeInteger(r.bytes) || r.bytes < 0)
    throw new EnvelopeDecodeError('payload reference has no byte size');
  if (typeof r.sha256 !== 'string' || !SHA256_HEX.test(r.sha256)) throw new EnvelopeDecodeError('payload reference has no sha256');
  const envelope: ReferenceEnvelope = {
    v: REFERENCE_ENVELOPE_VERSION,
    fn,
    ref: { bucket: r.bucket, object: r.object, bytes: r.bytes, sha256: r.sha256 },
    enqueuedAt: typeof enqueuedAt === 'number' && Number.isFinite(enqueuedAt) ? enqueuedAt : Date.now(),
  };
  if (typeof scheduledAt === 'number' && Number.isFinite(scheduledAt)) envelope.scheduledAt = scheduledAt;
  const own = readRetry(retry);
  if (own) envelope.retry = own;
  return envelope;
}

const RETRY_KEYS = ['maxAttempts', 'maxRetryDurationSeconds', 'minBackoffSeconds', 'maxBackoffSeconds', 'maxDoublings'] as const;

/**
 * A task's own retry settings as the envelope carries them, or undefined when absent or not
 * whole: the handler then judges by the queue's, as for a task that has none.
 */
function readRetry(value: unknown): RetryConfig | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  if (!RETRY_KEYS.every((key) => typeof fields[key] === 'number' && Number.isFinite(fields[key]))) return undefined;
  return Object.fromEntries(RETRY_KEYS.map((key) => [key, fields[key]])) as unknown as RetryConfig;
}

/** Decodes a task body; throws `EnvelopeDecodeError` for anything that can never run. */
export function decodeEnvelope(body: Uint8Array | string, serializer: SuperJSON = PLAIN): TaskEnvelope {
  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new EnvelopeDecodeError('task body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = serializer.parse(text);
  } catch (error) {
    const unknownClass = classIdsOf(text).find((id) => !serializer.classRegistry.getValue(id));
    if (unknownClass !== undefined) throw new EnvelopeDecodeError(unregisteredClassMessage(unknownClass));
    throw new EnvelopeDecodeError(`task body is not a superjson envelope: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new EnvelopeDecodeError('task body is not an object');
  const { v, fn, args, enqueuedAt, scheduledAt, retry } = value as Record<string, unknown>;
  if (v !== ENVELOPE_VERSION) throw new EnvelopeDecodeError(`unsupported envelope version ${String(v)}`);
  if (typeof fn !== 'string' || fn === '') throw new EnvelopeDecodeError('envelope has no function id (fn)');
  if (!Array.isArray(args)) throw new EnvelopeDecodeError('envelope args is not an array');
  const created = typeof enqueuedAt === 'number' && Number.isFinite(enqueuedAt) ? enqueuedAt : Date.now();
  const envelope: TaskEnvelope = { v: ENVELOPE_VERSION, fn, args, enqueuedAt: created };
  if (typeof scheduledAt === 'number' && Number.isFinite(scheduledAt)) envelope.scheduledAt = scheduledAt;
  const own = readRetry(retry);
  if (own) envelope.retry = own;
  return envelope;
}

/**
 * The task's own retry settings, from a body in either form; undefined when it has none or does
 * not decode. A replay of a dead task gives them to Cloud Tasks again, so that Cloud Tasks and the
 * handler keep judging its last attempt alike.
 */
export function envelopeRetry(body: Uint8Array): RetryConfig | undefined {
  try {
    // The CLI has none of the app's classes: their instances decode as stand-ins, as for display.
    return (readReferenceEnvelope(body) ?? decodeEnvelopeForDisplay(body)).retry;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a task body for display by a tool that does not have the app's classes (the
 * emulator's dashboard, the dead-letters CLI): an instance of a registered class decodes as an
 * object of a stand-in class named by its id, with its fields.
 */
export function decodeEnvelopeForDisplay(body: Uint8Array | string): TaskEnvelope {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const ids = text.includes('"class"') ? classIdsOf(text) : [];
  if (!ids.length) return decodeEnvelope(body);
  const serializer = new SuperJSON();
  for (const id of ids) serializer.registerClass(standInClass(id), id);
  return decodeEnvelope(body, serializer);
}
