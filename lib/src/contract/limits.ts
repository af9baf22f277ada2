/**
 * Cloud Tasks' limits that the adapter enforces before any network call.
 * The task size limit: Google's quotas page says 1 MiB, the API reference says 100 KB; 1 MiB is
 * what the service enforces for HTTP tasks, so it is the hard limit here.
 */
export const MAX_TASK_BYTES = 1024 * 1024;
/** A task can be scheduled at most 30 days ahead. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000;
