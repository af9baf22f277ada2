/**
 * The payload store on Cloud Storage, through `@google-cloud/storage` (imported lazily: it costs
 * an import only to the processes that move a big payload). Against the emulator
 * (STORAGE_EMULATOR_HOST) it sends no credentials, like the Cloud Tasks client does.
 */
import type { Storage } from '@google-cloud/storage';
import { PayloadObjectTooLargeError, type PayloadStore } from './payload-store-types.js';

const isNotFound = (error: unknown) => (error as { code?: unknown })?.code === 404;

export function createGcsPayloadStore(emulatorUrl: string | undefined): PayloadStore {
  let client: Promise<Storage> | undefined;
  const storage = () =>
    (client ??= import('@google-cloud/storage').then(
      ({ Storage: StorageClient }) =>
        // The client reads STORAGE_EMULATOR_HOST itself for JSON calls; uploads go to apiEndpoint, its origin.
        new StorageClient(
          emulatorUrl ? { apiEndpoint: new URL(emulatorUrl).origin, useAuthWithCustomEndpoint: false, projectId: 'emulator' } : {},
        ),
    ));
  return {
    async write(bucket, object, data) {
      const file = (await storage()).bucket(bucket).file(object);
      // One request (multipart), no resumable session: envelopes are at most tens of MB; the
      // client's own checksum check of the upload stays on.
      await file.save(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        resumable: false,
        contentType: 'application/json',
        metadata: { cacheControl: 'no-store' },
      });
    },
    async read(bucket, object, maxBytes) {
      const file = (await storage()).bucket(bucket).file(object);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        // The caller checks size and sha256 itself: the client's own hash check would hash it twice.
        const stream = file.createReadStream({ validation: false });
        for await (const chunk of stream) {
          size += (chunk as Buffer).length;
          if (size > maxBytes) {
            stream.destroy();
            throw new PayloadObjectTooLargeError(`gs://${bucket}/${object}`, maxBytes);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return Buffer.concat(chunks, size);
    },
    async delete(bucket, object) {
      await (await storage()).bucket(bucket).file(object).delete({ ignoreNotFound: true });
    },
  };
}
