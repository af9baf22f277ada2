/** What a payload store is, apart from where the process finds one (payload-store.ts), so that stores import no cycle. */

/** Where offloaded envelopes are kept: Cloud Storage in production and locally, memory in the jest stub. */
export interface PayloadStore {
  write(bucket: string, object: string, data: Uint8Array): Promise<void>;
  /**
   * The object's bytes, or undefined when there is no such object. Rejects with
   * PayloadObjectTooLargeError as soon as more than `maxBytes` arrive: it never buffers more.
   */
  read(bucket: string, object: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Deletes the object; one that is gone already is not an error. */
  delete(bucket: string, object: string): Promise<void>;
}

/** The object is bigger than the reader would take. */
export class PayloadObjectTooLargeError extends Error {
  override name = 'PayloadObjectTooLargeError';
  constructor(
    readonly object: string,
    readonly maxBytes: number,
  ) {
    super(`payload object ${object} is over ${maxBytes} bytes`);
  }
}
