/**
 * Task ids for workflow messages. A Cloud Tasks task id is `[A-Za-z0-9_-]{1,500}`, and a name is
 * refused (ALREADY_EXISTS) while a task of that name exists and for a while after it ends (about
 * an hour for queues made through the API, as `queues apply` makes them; Google's documents give
 * up to 9 days for App Engine queue.yaml queues): that is how the SDK's idempotency key dedups.
 *
 * The SDK's keys and message ids start with a time-ordered ULID; Google advises against
 * sequential task names (they concentrate load and add latency), so each id starts with a hash
 * of the key, followed by the key itself (readable in the dashboard and in logs).
 */
import { createHash, randomUUID } from 'node:crypto';

const MAX_TASK_ID_LENGTH = 500;
/** Room for the hash, the attempt suffix and hop suffixes of a very long delay, under 500. */
const READABLE_PART_MAX = 150;

function hashPrefix(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The task id of delivery `attempt` of the message `key` (its message id, which an idempotency
 * key makes deterministic). Deterministic: creating the same delivery twice (a retry of a request
 * that did create it) is refused by Cloud Tasks instead of making a second task.
 */
export function workflowTaskId(key: string, attempt: number): string {
  const readable = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, READABLE_PART_MAX);
  const base = `${hashPrefix(key)}-${readable}`;
  return attempt > 1 ? `${base}-a${attempt}` : base;
}

/**
 * The id of the next hop of a delay past Cloud Tasks' 30-day horizon, from the id of the task
 * that arrived early: the same delivery of the same hop always names the same next hop.
 */
export function nextHopTaskId(currentTaskId: string): string {
  const next = `${currentTaskId}-h`;
  // Past 160 hops (13 years) the id would outgrow 500 characters: start again from its hash.
  return next.length <= MAX_TASK_ID_LENGTH ? next : `${hashPrefix(next)}-hops`;
}

/** The message id of a message: its idempotency key when the SDK gave one, so a duplicate gets the same id. */
export function messageIdFor(idempotencyKey: string | undefined): string {
  return idempotencyKey ? `msg_${idempotencyKey}` : `msg_${randomUUID().replace(/-/g, '')}`;
}
