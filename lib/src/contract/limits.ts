/**
 * Cloud Tasks' limits, in one place: defer() enforces them before any network call, and the
 * jest stub and the emulator apply the same numbers.
 * The task size limit: Google's quotas page says 1 MiB, the API reference says 100 KB; 1 MiB is
 * what the service enforces for HTTP tasks, so it is the hard limit here.
 */
export const MAX_TASK_BYTES = 1024 * 1024;
/** A task can be scheduled at most 30 days ahead. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000;
/** How long Cloud Tasks waits for a handler's answer: 15 s to 30 min, 10 min when a task sets none. */
export const DISPATCH_DEADLINE_SECONDS = { min: 15, max: 1800, default: 600 } as const;
/**
 * BatchCreateTasks and BatchDeleteTasks, from the v2beta3 protos: at most 100 tasks (1,000 names)
 * of one queue per call. `createBytes` is ours: Google documents no request size for a batch, so
 * deferMany also closes a batch once its tasks reach 8 MiB (a request's JSON is about 4/3 of it,
 * base64), well under the 32 MiB a Google front end takes.
 */
export const BATCH_LIMITS = { createTasks: 100, createBytes: 8 * 1024 * 1024, deleteNames: 1000 } as const;
