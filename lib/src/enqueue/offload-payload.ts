import { createHash, randomUUID } from 'node:crypto';
import { encodeReferenceEnvelope, type EnvelopeMeta, type PayloadReference } from '../contract/envelope.js';
import type { PayloadStorageConfig } from '../runtime/config.js';
import { payloadStoreFor } from '../runtime/payload-store.js';

/** An envelope to keep in DEFERRED_PAYLOAD_BUCKET: the object it goes to, and the small body the task carries instead. */
export interface OffloadedEnvelope {
  ref: PayloadReference;
  envelope: Uint8Array;
  body: Uint8Array;
}

/**
 * Where an envelope too big for a task goes in DEFERRED_PAYLOAD_BUCKET (App Engine's deferred
 * kept such calls in Datastore), and the body the task carries instead: the object's name, size
 * and SHA-256, which the handler checks before it decodes a byte. No network: `offloadEnvelope`
 * writes it.
 */
export function planOffload(
  functionId: string,
  envelope: Uint8Array,
  storage: PayloadStorageConfig,
  meta: EnvelopeMeta & { enqueuedAt: number },
): OffloadedEnvelope {
  // The function id in the name makes a bucket listing readable; the UUID makes it unguessable.
  const safeId = functionId.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref: PayloadReference = {
    bucket: storage.bucket,
    object: `${storage.prefix}${safeId}/${randomUUID()}.json`,
    bytes: envelope.byteLength,
    sha256: createHash('sha256').update(envelope).digest('hex'),
  };
  return { ref, envelope, body: encodeReferenceEnvelope(functionId, ref, meta) };
}

/** Writes the envelope to its object: the task may then be created. */
export async function offloadEnvelope(offload: OffloadedEnvelope, storage: PayloadStorageConfig): Promise<void> {
  await (await payloadStoreFor(storage)).write(offload.ref.bucket, offload.ref.object, offload.envelope);
}

/** Deletes an offloaded envelope whose task was not created (best effort: the bucket's lifecycle rule is the backstop). */
export async function forgetOffload(ref: PayloadReference, storage: PayloadStorageConfig): Promise<void> {
  await (await payloadStoreFor(storage)).delete(ref.bucket, ref.object).catch(() => undefined);
}
