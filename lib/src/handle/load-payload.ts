/**
 * A task body in the reference form (DEFERRED_PAYLOAD_BUCKET) back to its envelope, checked
 * before a byte of it is decoded. Runs after the token check, like everything that reads the body.
 *
 * Which outcome, and why (the status contract, contract/outcomes.ts):
 * - no bucket configured here, an object outside the configured bucket and prefix, a size past
 *   DEFERRED_PAYLOAD_MAX_BYTES, bytes that differ from the reference (size or sha256), or an
 *   envelope of another function: `undecodable`. Retrying cannot change them, and running them
 *   would run bytes this deploy did not write; they are dead-lettered, the object kept.
 * - no such object: `payload-missing`, retried (a read racing the write, a bucket briefly
 *   unreachable by name) and dead-lettered on the last attempt, not dropped on the first.
 * - any other read error (permissions, the network): `failed`, retried like a function's error.
 */
import { createHash } from 'node:crypto';
import {
  decodeEnvelope,
  EnvelopeDecodeError,
  type PayloadReference,
  type ReferenceEnvelope,
  type TaskEnvelope,
} from '../contract/envelope.js';
import type { TaskOutcome } from '../contract/outcomes.js';
import type { PayloadStorageConfig } from '../runtime/config.js';
import { PayloadObjectTooLargeError, payloadStoreFor } from '../runtime/payload-store.js';
import { envelopeSerializer } from '../runtime/class-registry.js';

export type LoadedPayload =
  | { envelope: TaskEnvelope; reference: ReferenceEnvelope }
  | { outcome: Extract<TaskOutcome, 'undecodable' | 'payload-missing' | 'failed'>; error: Error; reference: ReferenceEnvelope };

export const objectUrl = (ref: PayloadReference) => `gs://${ref.bucket}/${ref.object}`;

export async function loadOffloadedEnvelope(
  reference: ReferenceEnvelope,
  storage: PayloadStorageConfig | undefined,
  maxBytes: number,
): Promise<LoadedPayload> {
  const { ref } = reference;
  const where = objectUrl(ref);
  const refuse = (message: string): LoadedPayload => ({ outcome: 'undecodable', error: new EnvelopeDecodeError(message), reference });
  if (!storage)
    return refuse(`the task's payload is ${where}, but DEFERRED_PAYLOAD_BUCKET is not set here: this deploy reads no offloaded payloads`);
  if (ref.bucket !== storage.bucket || !ref.object.startsWith(storage.prefix)) {
    return refuse(`the task's payload ${where} is outside DEFERRED_PAYLOAD_BUCKET (gs://${storage.bucket}/${storage.prefix}): refused`);
  }
  if (ref.bytes > maxBytes)
    return refuse(`the task's payload ${where} is ${ref.bytes} bytes, over DEFERRED_PAYLOAD_MAX_BYTES (${maxBytes})`);
  let data: Uint8Array | undefined;
  try {
    // No more than the reference says: a longer object is refused without reading all of it.
    data = await (await payloadStoreFor(storage)).read(ref.bucket, ref.object, ref.bytes);
  } catch (error) {
    if (error instanceof PayloadObjectTooLargeError)
      return refuse(`the task's payload ${where} is longer than the ${ref.bytes} bytes of its reference`);
    return {
      outcome: 'failed',
      error: new Error(`could not read the task's payload ${where}: ${(error as Error)?.message ?? error}`),
      reference,
    };
  }
  if (!data) return { outcome: 'payload-missing', error: new Error(`the task's payload ${where} does not exist`), reference };
  if (data.byteLength !== ref.bytes)
    return refuse(`the task's payload ${where} is ${data.byteLength} bytes, not the ${ref.bytes} of its reference`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (sha256 !== ref.sha256) return refuse(`the task's payload ${where} does not match the sha256 of its reference`);
  let envelope: TaskEnvelope;
  try {
    envelope = decodeEnvelope(data, envelopeSerializer());
  } catch (error) {
    return { outcome: 'undecodable', error: error as Error, reference };
  }
  if (envelope.fn !== reference.fn) return refuse(`the task's payload ${where} is a call of "${envelope.fn}", not of "${reference.fn}"`);
  return { envelope, reference };
}
