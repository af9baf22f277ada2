import superjson from 'superjson';
import { DeferredError } from './errors.js';

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
}

export const ENVELOPE_VERSION = 1;

/** A task body that can never run: the handler dead-letters it. */
export class EnvelopeDecodeError extends DeferredError {
  override name = 'EnvelopeDecodeError';
}

/** Arguments that cannot travel in a task; thrown by `defer` before any network call. */
export class EnvelopeEncodeError extends DeferredError {
  override name = 'EnvelopeEncodeError';
  constructor(
    readonly fn: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function encodeEnvelope(
  fn: string,
  args: unknown[],
  times: { enqueuedAt?: number; scheduledAt?: number } = {},
): Uint8Array<ArrayBuffer> {
  const envelope: TaskEnvelope = { v: ENVELOPE_VERSION, fn, args, enqueuedAt: times.enqueuedAt ?? Date.now() };
  if (times.scheduledAt !== undefined && times.scheduledAt > envelope.enqueuedAt) envelope.scheduledAt = times.scheduledAt;
  let text: string;
  try {
    text = superjson.stringify(envelope);
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

/** Decodes a task body; throws `EnvelopeDecodeError` for anything that can never run. */
export function decodeEnvelope(body: Uint8Array | string): TaskEnvelope {
  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new EnvelopeDecodeError('task body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = superjson.parse(text);
  } catch (error) {
    throw new EnvelopeDecodeError(`task body is not a superjson envelope: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new EnvelopeDecodeError('task body is not an object');
  const { v, fn, args, enqueuedAt, scheduledAt } = value as Record<string, unknown>;
  if (v !== ENVELOPE_VERSION) throw new EnvelopeDecodeError(`unsupported envelope version ${String(v)}`);
  if (typeof fn !== 'string' || fn === '') throw new EnvelopeDecodeError('envelope has no function id (fn)');
  if (!Array.isArray(args)) throw new EnvelopeDecodeError('envelope args is not an array');
  const created = typeof enqueuedAt === 'number' && Number.isFinite(enqueuedAt) ? enqueuedAt : Date.now();
  const envelope: TaskEnvelope = { v: ENVELOPE_VERSION, fn, args, enqueuedAt: created };
  if (typeof scheduledAt === 'number' && Number.isFinite(scheduledAt)) envelope.scheduledAt = scheduledAt;
  return envelope;
}
