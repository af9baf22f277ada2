/**
 * The body of a workflow task: one Workflow SDK queue message and what the queue needs to deliver
 * it again. Cloud Tasks carries the bytes; this module is the only one that reads or writes them:
 * the World (lib/src/workflow) writes and runs them, the emulator's dashboard shows them.
 *
 * The SDK's queue name (`__wkf_workflow_<workflow>`, `__wkf_step_<step>`) cannot be a Cloud Tasks
 * queue id, so it travels here, as does the message id, which stays the same on every delivery of
 * one message, and the delivery number the task's first try is (a redelivery the handler asks for
 * with `timeoutSeconds` is a new task). `notBefore` marks a hop of a delay longer than Cloud Tasks
 * can schedule (30 days): the task is not delivered to the SDK before that time.
 *
 * Payloads hold binary data (a run's serialized input is a Uint8Array): JSON has no bytes, so a
 * Uint8Array travels as `{ "__type": "Uint8Array", "data": "<base64>" }`, the tagged form that
 * the SDK's own local and Postgres worlds use on their queues.
 */

export type MessageKind = 'workflow' | 'step';

/** The SDK's routes (`withWorkflow` generates them under app/.well-known/workflow/v1), under the app's URL. */
export const WORKFLOW_ROUTES: Record<MessageKind, string> = {
  workflow: '/.well-known/workflow/v1/flow',
  step: '/.well-known/workflow/v1/step',
};

/** The SDK's queue names: `__wkf_workflow_<name>`, `__wkf_step_<name>`, or with a namespace `__<ns>_wkf_...`. */
const QUEUE_NAME = /^__(?:[a-z][a-z0-9]*_)?wkf_(workflow|step)_(.+)$/;

/** Which kind of message an SDK queue name carries, and the workflow's or step's id after the prefix; undefined for any other name. */
export function parseWorkflowQueueName(queueName: string): { kind: MessageKind; id: string } | undefined {
  const match = QUEUE_NAME.exec(queueName);
  return match ? { kind: match[1] as MessageKind, id: match[2] } : undefined;
}

/** Bumped when the shape changes; a task of another version is refused (400), so Cloud Tasks retries it elsewhere. */
export const TASK_MESSAGE_VERSION = 1;

export interface TaskMessage {
  /** The SDK's queue name, e.g. `__wkf_step_step//./workflows/signup//sendEmail`. */
  queueName: string;
  /** The SDK's message id: the same on every delivery of this message. */
  messageId: string;
  /** The delivery number of this task's first try (1 for a new message); Cloud Tasks' retries add to it. */
  attempt: number;
  /** Epoch ms before which the message is not delivered (a hop of a long delay). */
  notBefore?: number;
  /** The SDK's payload, as it gave it. */
  payload: unknown;
}

const BYTES_TAG = 'Uint8Array';

function tagBytes(this: unknown, key: string, value: unknown): unknown {
  // `this[key]` is the value before toJSON: a Buffer would otherwise arrive as { type: 'Buffer', data: [...] }.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return { __type: BYTES_TAG, data: Buffer.from(original).toString('base64') };
  return value;
}

function untagBytes(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { __type?: unknown; data?: unknown };
    if (tagged.__type === BYTES_TAG && typeof tagged.data === 'string' && Object.keys(value).length === 2) {
      return new Uint8Array(Buffer.from(tagged.data, 'base64'));
    }
  }
  return value;
}

export function encodeTaskMessage(message: TaskMessage): Uint8Array {
  const { queueName, messageId, attempt, notBefore, payload } = message;
  const body = { v: TASK_MESSAGE_VERSION, queueName, messageId, attempt, ...(notBefore ? { notBefore } : {}), payload };
  return Buffer.from(JSON.stringify(body, tagBytes));
}

/** The message in a task's body, or why it is not one (a body this World did not write). */
export function decodeTaskMessage(body: Uint8Array): TaskMessage | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), untagBytes);
  } catch {
    return { problem: 'the body is not JSON' };
  }
  const fields = (parsed ?? {}) as Record<string, unknown>;
  if (fields.v !== TASK_MESSAGE_VERSION) return { problem: `the body is not a workflow task of version ${TASK_MESSAGE_VERSION}` };
  const { queueName, messageId, attempt, notBefore } = fields;
  if (typeof queueName !== 'string' || typeof messageId !== 'string') return { problem: 'the body has no queueName or messageId' };
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) return { problem: 'the body has no valid attempt' };
  if (notBefore !== undefined && (typeof notBefore !== 'number' || !Number.isFinite(notBefore))) {
    return { problem: 'the body has an invalid notBefore' };
  }
  return { queueName, messageId, attempt, ...(notBefore !== undefined ? { notBefore } : {}), payload: fields.payload };
}
