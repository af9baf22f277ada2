import { createFakeCollection } from '../../helpers/fake-google-collection';

/**
 * Cloud Tasks' v2 REST API for queues, as msw handlers over an in-memory map: enough of Google's
 * behaviour (paths, `$alt=json;enum-encoding=int`, numeric enums, "3600s" durations, updateMask,
 * error envelopes) for the real client to talk to it. Every request is recorded for assertions.
 */

export interface FakeQueue {
  name: string; // full resource name
  state: number; // 1 RUNNING, 2 PAUSED, 3 DISABLED
  rateLimits: { maxDispatchesPerSecond: number; maxConcurrentDispatches: number; maxBurstSize: number };
  retryConfig: { maxAttempts: number; maxRetryDuration: string; minBackoff: string; maxBackoff: string; maxDoublings: number };
}

export type { RecordedRequest } from '../../helpers/fake-google-collection';

/** Cloud Tasks fills in its own defaults for what createQueue leaves out. */
function created(body: Partial<FakeQueue> & { name: string }): FakeQueue {
  return {
    name: body.name,
    state: 1,
    rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 1000, maxBurstSize: 100, ...body.rateLimits },
    retryConfig: {
      maxAttempts: 100,
      maxRetryDuration: '0s',
      minBackoff: '0.100s',
      maxBackoff: '3600s',
      maxDoublings: 16,
      ...body.retryConfig,
    },
  };
}

/** An updateMask path names a field of a group: `rateLimits.maxDispatchesPerSecond`. */
function patched(queue: FakeQueue, maskPath: string, body: Partial<FakeQueue> | undefined): string | undefined {
  const [group, key] = maskPath.split('.') as ['rateLimits' | 'retryConfig', string];
  const from = body?.[group] as Record<string, unknown> | undefined;
  if (!(group in queue) || !from || !(key in from)) return `updateMask path "${maskPath}" not in the request's queue`;
  (queue[group] as Record<string, unknown>)[key] = from[key];
  return undefined;
}

export function createFakeCloudTasks(project: string, location: string) {
  const fake = createFakeCollection<FakeQueue>({
    root: 'https://cloudtasks.googleapis.com/v2/',
    parent: `projects/${project}/locations/${location}`,
    collection: 'queues',
    noun: 'Queue',
    create: created,
    patch: patched,
  });
  return {
    ...fake,
    queues: fake.items,
    /** Seed a live queue, as if made by someone else (short id, partial settings). */
    seed(name: string, over: Partial<Omit<FakeQueue, 'name'>> = {}) {
      const q = created({ name: `${fake.listPath}/${name}` });
      Object.assign(q, {
        ...over,
        rateLimits: { ...q.rateLimits, ...over.rateLimits },
        retryConfig: { ...q.retryConfig, ...over.retryConfig },
      });
      fake.items.set(q.name, q);
      return q;
    },
  };
}
