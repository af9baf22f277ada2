/**
 * The handler's status contract, in one table: every way a task request can end, the HTTP status
 * Cloud Tasks sees, and the log severity. 2xx means "delete the task"; anything else means "retry
 * per the queue's retry config". The handler answers with these statuses and names the outcome in
 * OUTCOME_HEADER; the jest stub and the emulator read the same table, so the three cannot drift.
 * README.md's table of outcomes is this one, in prose.
 */
export const OUTCOMES = {
  // Refused before the body is read (the handler).
  'method-not-allowed': { status: 405, severity: 'WARNING', meaning: 'not a POST (answered with Allow: POST)' },
  unauthorized: { status: 401, severity: 'WARNING', meaning: 'no valid OIDC token: not a real task, retried' },
  forbidden: { status: 403, severity: 'WARNING', meaning: 'a valid token of an account that is not allowed' },
  unavailable: { status: 503, severity: 'WARNING', meaning: "Google's signing certs could not be fetched: retried" },
  misconfigured: { status: 500, severity: 'ERROR', meaning: 'the app is misconfigured (a variable): retried once fixed' },
  'shutting-down': { status: 503, severity: 'INFO', meaning: 'the instance is shutting down (SIGTERM): retried elsewhere' },
  'too-large': { status: 413, severity: 'WARNING', meaning: 'a body past the size cap' },
  // A cron.yaml job whose App Engine schedule no unix-cron line can say runs on a wider line; its
  // filter (contract/cron-filter.ts) says which runs are the schedule's. 2xx: Cloud Scheduler is done with it.
  'not-scheduled': { status: 200, severity: 'DEBUG', meaning: "a cron run the job's App Engine schedule does not name: skipped" },
  // The delivery itself (execute-task).
  success: { status: 200, severity: 'INFO', meaning: 'the function returned' },
  failed: { status: 500, severity: 'ERROR', meaning: 'the function threw: retried' },
  'permanent-failure': { status: 200, severity: 'ERROR', meaning: 'the function threw PermanentTaskFailure: dropped and dead-lettered' },
  // App Engine's deferred answered 408 for SingularTaskFailure: a retry without an error
  // status that Cloud Tasks would count against the queue's health (429/503 slow a queue down).
  'retry-requested': { status: 408, severity: 'DEBUG', meaning: 'the function threw SingularTaskFailure: retried quietly' },
  'unknown-function': { status: 404, severity: 'WARNING', meaning: 'no function of that id in this deploy (mid-deploy): retried' },
  undecodable: { status: 200, severity: 'ERROR', meaning: 'a body that can never decode: dropped and dead-lettered' },
  // An offloaded payload (DEFERRED_PAYLOAD_BUCKET) that is not in the bucket: retried, since a
  // retry is cheap and nothing is lost by it; dead-lettered on the last attempt (handle/load-payload.ts).
  'payload-missing': { status: 404, severity: 'WARNING', meaning: "the task's payload object is missing: retried" },
} as const satisfies Record<string, { status: number; severity: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'; meaning: string }>;

export type Outcome = keyof typeof OUTCOMES;

/** How a delivery that reached the function (or tried to) ended: what execute-task decides. */
export type TaskOutcome = Extract<
  Outcome,
  'success' | 'failed' | 'permanent-failure' | 'retry-requested' | 'unknown-function' | 'undecodable' | 'payload-missing'
>;

/** Outcomes that can never succeed later: dead-lettered on the spot. */
export const DEAD_ON_ARRIVAL: ReadonlySet<TaskOutcome> = new Set(['permanent-failure', 'undecodable']);

/**
 * Response header the handler sets on every answer, naming its outcome, so that the emulator
 * (and logs) can tell a task that was dead-lettered (2xx, or a 500 on its last attempt) from a
 * success or a failure.
 */
export const OUTCOME_HEADER = 'x-deferred-outcome';

/**
 * OUTCOME_HEADER's value when the handler dead-lettered the task, whatever its outcome: the
 * dead-letter sink has it, so the task will not run again.
 */
export const DEAD_LETTERED = 'dead-lettered';

/**
 * Response header the handler adds when the dead-letter sink kept the task as a task of a
 * dead-letter queue: its full name. The emulator then drops the original, as Cloud Tasks does
 * after a 2xx, instead of keeping a second dead copy on its dashboard.
 */
export const DEAD_LETTER_KEPT_HEADER = 'x-deferred-kept-as';

/**
 * Why a task will not run again, as the handler's dead-letter sink records it (and the
 * X-Deferred-Dead-Reason header of a kept dead task says), with what the dashboard shows for it.
 */
export const DEAD_LETTER_REASONS = {
  'final-attempt': 'failed on its last attempt',
  'permanent-failure': 'the function threw PermanentTaskFailure',
  undecodable: 'a body that can never decode',
  'unknown-function': 'unknown function (not in the manifest of the deploy that ran it)',
} as const satisfies Record<string, string>;

export type DeadLetterReason = keyof typeof DEAD_LETTER_REASONS;

/**
 * Response header the handler adds when it dead-letters a task: the DeadLetterReason, so that
 * the emulator says why (an unknown function, say) and not only the last status.
 */
export const DEAD_LETTER_REASON_HEADER = 'x-deferred-dead-reason';

/** The handler's reason as the start of a dead task's reason ("unknown function: ...; "), or '' when it gave none. */
export function deadLetterReasonPrefix(reason: string | undefined): string {
  const text = reason && Object.hasOwn(DEAD_LETTER_REASONS, reason) ? DEAD_LETTER_REASONS[reason as DeadLetterReason] : undefined;
  return text ? `${text}; ` : '';
}

/** What the handler answers for an outcome, as the Response the route returns. */
export function outcomeResponse(
  outcome: Outcome,
  options: { deadLettered?: boolean; status?: number; headers?: Record<string, string> } = {},
): Response {
  const label = options.deadLettered ? DEAD_LETTERED : outcome;
  return new Response(JSON.stringify({ outcome: label }), {
    status: options.status ?? OUTCOMES[outcome].status,
    headers: { 'content-type': 'application/json', [OUTCOME_HEADER]: label, ...options.headers },
  });
}
