/** Exit codes of the queues, cron and dead-letters commands, documented in --help and docs/queues-ci.md. */
export const EXIT = {
  ok: 0,
  /** queue.yaml is invalid, or `check` found drift. */
  invalidOrDrift: 1,
  usage: 2,
  /** Cloud Tasks refused or failed a call (permission, quota, network). */
  api: 3,
} as const;
