/**
 * Where runs, steps, events, hooks and streams are kept: the SDK's own storage, reused rather than
 * rewritten, without the queues those packages bring along (their queues run in-process loops;
 * here Cloud Tasks is the queue).
 *
 * - Postgres (`WORKFLOW_POSTGRES_URL`, Cloud SQL in production): `@workflow/world-postgres`'s
 *   storage (Drizzle on `pg`) and its LISTEN/NOTIFY streams. Its graphile-worker queue only runs
 *   after `start()`, which is never called on it. Its schema comes from its own setup command.
 * - Embedded (beside the local emulator): `@workflow/world-local`'s files under a data folder,
 *   so `next-cloud-tasks dev` needs no database.
 *
 * Both are optional peer dependencies, imported only when chosen.
 */
import type { WorkflowStore } from './lazy-store.js';
import type { StorageSettings } from './settings.js';
import { missingStoragePackage, POSTGRES_STORAGE, WorkflowStorageError } from './storage-error.js';

/** The keys of a World that make up its Storage and Streamer (not its queue, start or close). */
function storagePart(world: WorkflowStore & Record<string, unknown>, close: () => Promise<void>): WorkflowStore {
  const { runs, steps, events, hooks } = world;
  const streams = {
    writeToStream: world.writeToStream.bind(world),
    writeToStreamMulti: world.writeToStreamMulti?.bind(world),
    closeStream: world.closeStream.bind(world),
    readFromStream: world.readFromStream.bind(world),
    listStreamsByRunId: world.listStreamsByRunId.bind(world),
    getStreamChunks: world.getStreamChunks.bind(world),
    getStreamInfo: world.getStreamInfo.bind(world),
  };
  return { runs, steps, events, hooks, ...streams, close };
}

async function importPeer<T>(name: string, load: () => Promise<T>, why: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(name)) {
      throw missingStoragePackage(name, why, { cause: error });
    }
    throw error;
  }
}

async function openLocal(dataDir: string): Promise<WorkflowStore> {
  const local = await importPeer('@workflow/world-local', () => import('@workflow/world-local'), 'The embedded workflow storage');
  // Two servers starting at once on a new folder can read its version file while the other
  // writes it: the second look finds it whole.
  await local.initDataDir(dataDir).catch(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await local.initDataDir(dataDir);
  });
  const world = local.createLocalWorld({ dataDir }) as unknown as WorkflowStore & Record<string, unknown>;
  // Its close() releases its caches and the HTTP agent of its (unused) queue.
  return storagePart(world, async () => world.close?.());
}

/**
 * `@workflow/world-postgres`, loaded (never connected). Throws a WorkflowStorageError naming the
 * install command when the app lacks it: not found by Node, or, in a Next build made without it,
 * the stand-in that withCloudTasks put in its place (missing-postgres.ts).
 */
export function loadPostgresPackage() {
  return importPeer(POSTGRES_STORAGE.name, () => import('@workflow/world-postgres'), POSTGRES_STORAGE.why);
}

async function openPostgres(connectionString: string): Promise<WorkflowStore> {
  const postgres = await loadPostgresPackage();
  const world = postgres.createWorld({ connectionString }) as unknown as WorkflowStore & Record<string, unknown>;
  const store = storagePart(world, async () => world.close?.());
  try {
    // One cheap query: an unreachable database or a missing schema fails here, with what to do.
    await store.runs.list({ pagination: { limit: 1 }, resolveData: 'none' });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new WorkflowStorageError(
      `the workflow database at WORKFLOW_POSTGRES_URL is not ready (${(error as Error).message}): check that it is reachable, and create its schema once with \`npx --package=@workflow/world-postgres bootstrap\` (same WORKFLOW_POSTGRES_URL)`,
      { cause: error },
    );
  }
  return store;
}

export function openStorage(settings: StorageSettings): Promise<WorkflowStore> {
  return settings.kind === 'postgres' ? openPostgres(settings.connectionString) : openLocal(settings.dataDir);
}
