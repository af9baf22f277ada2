import type { PayloadStorageConfig } from './config.js';
import { processState } from './process-state.js';
import type { PayloadStore } from './payload-store-types.js';

export { PayloadObjectTooLargeError, type PayloadStore } from './payload-store-types.js';

const state = () => processState('payload-store', (): { override?: PayloadStore; gcs: Map<string, PayloadStore> } => ({ gcs: new Map() }));

/** Sends payloads somewhere else than Cloud Storage (the jest stub's memory); `undefined` restores it. */
export function setPayloadStore(store: PayloadStore | undefined): void {
  state().override = store;
}

/** The store for `storage`: the override, else Cloud Storage (or its emulator), one client per endpoint per process. */
export async function payloadStoreFor(storage: PayloadStorageConfig): Promise<PayloadStore> {
  const current = state();
  if (current.override) return current.override;
  const key = storage.emulatorUrl ?? '';
  let store = current.gcs.get(key);
  if (!store) {
    // Imported on first use only: defer() of small tasks, and the handler, never load it.
    const { createGcsPayloadStore } = await import('./gcs-payload-store.js');
    store = createGcsPayloadStore(storage.emulatorUrl);
    current.gcs.set(key, store);
  }
  return store;
}
