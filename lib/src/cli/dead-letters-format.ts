import { inspect } from 'node:util';
import superjson from 'superjson';
import { decodeEnvelopeForDisplay, type TaskEnvelope } from '../contract/envelope.js';
import { withoutDeadLetterHeaders } from '../contract/dead-letter-headers.js';
import type { QueuesApiError } from '../queues/errors.js';
import type { DeadTask } from './dead-letters.js';

/** What `dead-letters` prints: a table for list, one task's details for inspect, and their JSON. */

const when = (dead: DeadTask) => dead.task.createTime?.toISOString() ?? '?';
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatDeadTaskTable(tasks: DeadTask[], target: string, deadLetterQueues: string[]): string {
  const header = `Dead tasks in ${deadLetterQueues.join(', ')} (${target}):`;
  if (!tasks.length) return `${header}\n  none.`;
  const rows = [
    ['TASK', 'QUEUE', 'FUNCTION', 'REASON', 'ATTEMPTS', 'DEAD-LETTERED AT', 'ERROR'],
    ...tasks.map((dead) => [
      dead.id,
      dead.meta?.queue ?? '?',
      dead.meta?.functionId ?? '?',
      dead.meta?.reason ?? '(not from the sink)',
      String(dead.meta?.attempts ?? '?'),
      when(dead),
      oneLine(dead.meta?.error ?? '', 80),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const pad = (cell: string, column: number) => (column === widths.length - 1 ? cell : cell.padEnd(widths[column]));
  const lines = rows.map((row) => row.map(pad).join('  ').trimEnd());
  const count = `${tasks.length} dead task${tasks.length === 1 ? '' : 's'}.`;
  const next = 'Details: next-cloud-tasks dead-letters inspect TASK; run again: next-cloud-tasks dead-letters replay TASK';
  return [header, ...lines, `${count} ${next}`].join('\n');
}

/** The body as the task envelope, or why it is not one (the reason it was dead-lettered, often). */
function payloadOf(body: Buffer | undefined): { envelope: TaskEnvelope } | { problem: string } {
  if (!body) return { problem: 'the task has no body' };
  try {
    return { envelope: decodeEnvelopeForDisplay(body) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

const rawBody = (body: Buffer | undefined) => {
  if (!body) return '';
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? text : `base64:${body.toString('base64')}`;
};

export function formatDeadTask(dead: DeadTask): string {
  const { task, meta } = dead;
  const payload = payloadOf(task.body);
  const headers = withoutDeadLetterHeaders(task.headers);
  const rows: [string, string][] = [
    ['task', task.name],
    ['queue', meta?.queue ? `${meta.queue}${meta.task ? ` (its task ${meta.task} there)` : ''}` : '? (not kept here by the sink)'],
    ['function', meta?.functionId ?? ('envelope' in payload ? payload.envelope.fn : '?')],
    ['reason', meta?.reason ?? '?'],
    ['attempts', String(meta?.attempts ?? '?')],
    ['dead-lettered at', when(dead)],
    ['error', meta?.error ?? ''],
    ...(meta?.payloadObject
      ? ([['payload object', `${meta.payloadObject} (kept for the replay; the task's body refers to it)`]] as [string, string][])
      : []),
    ['url', `POST ${task.url}`],
    [
      'headers',
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n') || '(none)',
    ],
  ];
  if ('envelope' in payload) {
    rows.push(['enqueued at', new Date(payload.envelope.enqueuedAt).toISOString()]);
    rows.push(['args', inspect(payload.envelope.args, { depth: 8, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 })]);
  } else if (meta?.payloadObject) {
    rows.push(['payload', `offloaded: ${oneLine(rawBody(task.body), 2000)}`]);
  } else {
    rows.push(['payload', `not a task envelope (${payload.problem}); raw: ${oneLine(rawBody(task.body), 2000)}`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  const indent = ' '.repeat(width + 2);
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value.split('\n').join(`\n${indent}`)}`).join('\n');
}

function summary(dead: DeadTask) {
  return {
    task: dead.task.name,
    id: dead.id,
    deadLetterQueue: dead.deadLetterQueue,
    queue: dead.meta?.queue,
    originalTask: dead.meta?.task,
    functionId: dead.meta?.functionId,
    reason: dead.meta?.reason,
    attempts: dead.meta?.attempts,
    deadLetteredAt: dead.task.createTime?.toISOString(),
    error: dead.meta?.error,
  };
}

export function listJson(tasks: DeadTask[], target: string, queues: string[], missing: QueuesApiError[]): Record<string, unknown> {
  const problems = missing.length ? { problems: missing.map((e) => e.message) } : {};
  return { command: 'list', target, deadLetterQueues: queues, tasks: tasks.map(summary), ...problems };
}

const envelopeJson = ({ fn, args, enqueuedAt }: TaskEnvelope) => ({
  fn,
  args: superjson.serialize(args).json,
  enqueuedAt: new Date(enqueuedAt).toISOString(),
});

export function inspectJson(dead: DeadTask): Record<string, unknown> {
  const payload = payloadOf(dead.task.body);
  return {
    command: 'inspect',
    ...summary(dead),
    url: dead.task.url,
    headers: withoutDeadLetterHeaders(dead.task.headers),
    // The arguments in superjson's JSON form (Dates as ISO strings, Maps as entries...).
    ...('envelope' in payload ? { envelope: envelopeJson(payload.envelope) } : { payloadProblem: payload.problem }),
    body: rawBody(dead.task.body),
  };
}
