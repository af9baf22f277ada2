import { PayloadObjectTooLargeError, type PayloadStore } from '../runtime/payload-store-types.js';

/**
 * The jest stub's Cloud Storage: offloaded payloads (`config.payloadBucket`) kept in memory,
 * written by `defer` and read back by `runTask` and `drain` through the handler's own checks.
 */
export class MemoryPayloadStore implements PayloadStore {
  private readonly objects = new Map<string, Uint8Array>();

  async write(bucket: string, object: string, data: Uint8Array): Promise<void> {
    this.objects.set(`${bucket}/${object}`, data.slice());
  }

  async read(bucket: string, object: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const data = this.peek(bucket, object);
    if (data && data.byteLength > maxBytes) throw new PayloadObjectTooLargeError(`gs://${bucket}/${object}`, maxBytes);
    return data;
  }

  async delete(bucket: string, object: string): Promise<void> {
    this.objects.delete(`${bucket}/${object}`);
  }

  peek(bucket: string, object: string): Uint8Array | undefined {
    return this.objects.get(`${bucket}/${object}`)?.slice();
  }

  /** `gs://` URLs of the objects kept, sorted, with their sizes. */
  list(): { object: string; bytes: number }[] {
    return [...this.objects]
      .map(([key, data]) => ({ object: `gs://${key}`, bytes: data.byteLength }))
      .sort((a, b) => (a.object < b.object ? -1 : 1));
  }

  clear(): void {
    this.objects.clear();
  }
}
