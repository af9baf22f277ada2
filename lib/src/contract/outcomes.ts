/**
 * How a delivery ended, and the one table that maps it to the HTTP status Cloud Tasks sees.
 * 2xx means "delete the task"; anything else means "retry per the queue's retry config".
 */
export type TaskOutcome =
  /** The function returned. */
  | 'success'
  /** The function threw: retry. */
  | 'failed'
  /** The function threw PermanentTaskFailure: drop (2xx) and dead-letter. */
  | 'permanent-failure'
  /** The function threw SingularTaskFailure: retry quietly. */
  | 'retry-requested'
  /** No function of that id in this deploy (a task from a newer or older deploy): retry. */
  | 'unknown-function'
  /** The body can never decode: drop (2xx) and dead-letter. */
  | 'undecodable';

export const STATUS_BY_OUTCOME: Record<TaskOutcome, number> = {
  success: 200,
  failed: 500,
  'permanent-failure': 200,
  // App Engine's deferred answered 408 for SingularTaskFailure: a retry without an error
  // status that Cloud Tasks would count against the queue's health (429/503 slow a queue down).
  'retry-requested': 408,
  'unknown-function': 404,
  undecodable: 200,
};

/** Outcomes that can never succeed later: dead-lettered on the spot. */
export const DEAD_ON_ARRIVAL: ReadonlySet<TaskOutcome> = new Set(['permanent-failure', 'undecodable']);
