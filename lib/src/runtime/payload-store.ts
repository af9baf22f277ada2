import type { PayloadStorageConfig } from './config.js';
import { testDouble } from './options-state.js';
import { processState } from './process-state.js';
import type { PayloadStore } from './payload-store-types.js';

export { PayloadObjectTooLargeError, type PayloadStore } from './payload-store-types.js';

const stores = () => processState('payload-stores', () => new Map<string, PayloadStore>());

/** The store for `storage`: the test kit's (the stub's memory), else Cloud Storage (or its emulator), one client per endpoint per process. */
export async function payloadStoreFor(storage: PayloadStorageConfig): Promise<PayloadStore> {
  const double = testDouble('payloadStore');
  if (double) return double;
  const gcs = stores();
  const key = storage.emulatorUrl ?? '';
  let store = gcs.get(key);
  if (!store) {
    // Imported on first use only: defer() of small tasks, and the handler, never load it.
    const { createGcsPayloadStore } = await import('./gcs-payload-store.js');
    store = createGcsPayloadStore(storage.emulatorUrl);
    gcs.set(key, store);
  }
  return store;
}
