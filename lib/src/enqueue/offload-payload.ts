import { createHash, randomUUID } from 'node:crypto';
import { encodeReferenceEnvelope, type PayloadReference } from '../contract/envelope.js';
import type { PayloadStorageConfig } from '../runtime/config.js';
import { payloadStoreFor } from '../runtime/payload-store.js';

/**
 * Writes an envelope too big for a task to DEFERRED_PAYLOAD_BUCKET (App Engine's deferred kept
 * such calls in Datastore) and returns the small body the task carries instead: the object's
 * name, size and SHA-256, which the handler checks before it decodes a byte.
 */
export async function offloadEnvelope(
  functionId: string,
  envelope: Uint8Array,
  storage: PayloadStorageConfig,
  times: { enqueuedAt: number; scheduledAt?: number },
): Promise<{ body: Uint8Array; ref: PayloadReference }> {
  // The function id in the name makes a bucket listing readable; the UUID makes it unguessable.
  const safeId = functionId.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref: PayloadReference = {
    bucket: storage.bucket,
    object: `${storage.prefix}${safeId}/${randomUUID()}.json`,
    bytes: envelope.byteLength,
    sha256: createHash('sha256').update(envelope).digest('hex'),
  };
  await (await payloadStoreFor(storage)).write(ref.bucket, ref.object, envelope);
  return { body: encodeReferenceEnvelope(functionId, ref, times), ref };
}
