/**
 * The World's Storage and Streamer, opened on first use. The SDK creates the World when it loads
 * a workflow route, `next build` included, where no database is reachable and no setting is set;
 * and it creates two (one only for the routes' queue handlers, which never touch storage). So the
 * World holds this facade, and the backend (storage-backends.ts) opens at the first call that
 * needs it; a failed open is tried again on the next call.
 */
import type { Storage, Streamer } from '@workflow/world';

/** What a backend gives: the SDK's storage and streams, and a way to release them. */
export type WorkflowStore = Storage & Streamer & { close(): Promise<void> };

/** Every method of Storage, by namespace, and of Streamer: what the facade forwards. */
const STORAGE_METHODS = {
  runs: ['get', 'list'],
  steps: ['get', 'list'],
  events: ['create', 'get', 'list', 'listByCorrelationId'],
  hooks: ['get', 'getByToken', 'list'],
} as const;
const STREAMER_METHODS = [
  'writeToStream',
  'closeStream',
  'readFromStream',
  'listStreamsByRunId',
  'getStreamChunks',
  'getStreamInfo',
] as const;

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

export interface LazyStore {
  facade: Storage & Streamer;
  /** Closes the backend if it was opened. */
  close(): Promise<void>;
}

export function lazyStore(openBackend: () => Promise<WorkflowStore>): LazyStore {
  let opening: Promise<WorkflowStore> | undefined;
  const open = () =>
    (opening ??= openBackend().catch((error: unknown) => {
      opening = undefined;
      throw error;
    }));
  const forward = (pick: (store: WorkflowStore) => AnyMethod | undefined, name: string): AnyMethod => {
    return async (...args) => {
      const method = pick(await open());
      if (!method) throw new TypeError(`the workflow storage has no ${name}()`);
      return method(...args);
    };
  };

  const facade: Record<string, unknown> = {};
  for (const [namespace, methods] of Object.entries(STORAGE_METHODS)) {
    facade[namespace] = Object.fromEntries(
      methods.map((method) => {
        const pick = (store: WorkflowStore) => {
          const target = store[namespace as keyof typeof STORAGE_METHODS] as unknown as Record<string, AnyMethod>;
          return target[method]?.bind(target);
        };
        return [method, forward(pick, `${namespace}.${method}`)];
      }),
    );
  }
  for (const method of STREAMER_METHODS) {
    facade[method] = forward((store) => (store[method] as AnyMethod | undefined)?.bind(store), method);
  }
  // Optional in the interface: a backend without it gets the chunks one by one, as the SDK would.
  facade.writeToStreamMulti = async (name: string, runId: string, chunks: (string | Uint8Array)[]) => {
    const store = await open();
    if (store.writeToStreamMulti) return store.writeToStreamMulti(name, runId, chunks);
    for (const chunk of chunks) await store.writeToStream(name, runId, chunk);
  };
  return {
    facade: facade as unknown as Storage & Streamer,
    async close() {
      const store = opening;
      opening = undefined;
      // A backend that never opened has nothing to close.
      if (store)
        await store.then(
          (opened) => opened.close(),
          () => undefined,
        );
    },
  };
}
