/**
 * The payload store on Cloud Storage, through `@google-cloud/storage` (imported lazily: it costs
 * an import only to the processes that move a big payload). Against the emulator
 * (STORAGE_EMULATOR_HOST) it sends no credentials, like the Cloud Tasks client does.
 *
 * Reads are one media GET with Node's fetch, authorized by the client's own credentials, not the
 * client's `createReadStream()`: that pipes node-fetch's body through teeny-request's and its own
 * stream pipelines, which puts more than ten listeners on one PassThrough and prints two
 * MaxListenersExceededWarnings per object read (not a leak, but a flood in the logs).
 */
import type { Storage } from '@google-cloud/storage';
import { PayloadObjectTooLargeError, type PayloadStore } from './payload-store-types.js';

/** Cloud Storage's JSON API answered a read with an error status (404 is "no such object", not an error). */
export class PayloadReadError extends Error {
  override name = 'PayloadReadError';
  constructor(
    readonly object: string,
    readonly code: number,
    detail: string,
  ) {
    super(`reading ${object} from Cloud Storage failed: HTTP ${code} ${detail}`.trim());
  }
}

/** The body's bytes; rejects with PayloadObjectTooLargeError as soon as more than `maxBytes` arrive. */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, object: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream: the rest of the object is never downloaded.
    if (size > maxBytes) throw new PayloadObjectTooLargeError(object, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

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
      const client = await storage();
      const name = `gs://${bucket}/${object}`;
      const base = emulatorUrl ?? `${client.apiEndpoint}/storage/v1`;
      const url = `${base}/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(object)}?alt=media`;
      // The emulator takes no credentials; Cloud Storage gets the client's (the runtime's service account).
      const headers = emulatorUrl ? undefined : await client.authClient.getRequestHeaders(url);
      // Looked up at call time (a test's interceptor); never cached by a Next server's fetch (the Fetch
      // standard's `cache`, which Next's fetch reads and Node's types leave out).
      const init: RequestInit & { cache: 'no-store' } = { headers, cache: 'no-store' };
      const response = await globalThis.fetch(url, init);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok || !response.body) throw new PayloadReadError(name, response.status, (await response.text()).slice(0, 300));
      // The caller checks size and sha256 itself; a Content-Length past the cap is refused before a byte is read.
      if (Number(response.headers.get('content-length')) > maxBytes) {
        await response.body.cancel();
        throw new PayloadObjectTooLargeError(name, maxBytes);
      }
      return readCapped(response.body, maxBytes, name);
    },
    async delete(bucket, object) {
      await (await storage()).bucket(bucket).file(object).delete({ ignoreNotFound: true });
    },
  };
}
