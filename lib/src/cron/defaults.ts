/**
 * Cloud Scheduler's defaults for what cron.yaml leaves out, and the limits it enforces. App Engine
 * runs cron.yaml on Cloud Scheduler, so these are App Engine's defaults too. We always send every
 * field, so a plan compares complete settings, never "unset".
 */
export const SCHEDULER_DEFAULTS = {
  /** No retry: a failed run waits for the next scheduled time. */
  retryCount: 0,
  /** 0 = no age limit. */
  maxRetryDurationSeconds: 0,
  minBackoffSeconds: 5,
  maxBackoffSeconds: 3600,
  maxDoublings: 5,
  /** How long Cloud Scheduler waits for an HTTP target's answer. */
  attemptDeadlineSeconds: 180,
  /** App Engine's default time zone. */
  timeZone: 'UTC',
} as const;

export const SCHEDULER_LIMITS = {
  /** job_retry_limit (retryCount): "values greater than 5 and negative values are not allowed". */
  maxRetryCount: 5,
  /** attemptDeadline of an HTTP target. */
  minAttemptDeadlineSeconds: 15,
  maxAttemptDeadlineSeconds: 1800,
  /** App Engine's `description` pattern is ^.{0,499}$. */
  maxDescriptionLength: 499,
  /** Cloud Scheduler job ids: letters, digits, hyphens, underscores, at most 500. */
  jobIdPattern: /^[A-Za-z0-9_-]{1,500}$/,
  /** App Engine's `target` (croninfo.py _VERSION_REGEX): `[service:]version`, lowercase, digits, hyphens. */
  targetPattern: /^(?:(?!-)[a-z\d-]{1,63}:)?(?!-)[a-z\d-]{1,100}$/,
} as const;
