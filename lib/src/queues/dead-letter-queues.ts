import type { ProblemCollector } from '../deploy/problems.js';
import type { QueueDefinition, SourcePosition } from './types.js';

/**
 * The dead-letter queues that `dead_letter_queue` keys ask for, checked across the whole file,
 * and added to its queues: each is a queue like any other to `plan`, `apply`, the emulator and
 * `defer`, always paused (`rate: 0`), so the tasks it keeps wait for a replay and never run.
 *
 * A dead-letter queue may also be written as its own entry (to set its retry parameters for
 * replays run from the console, say), but then with `rate: 0`. Several queues may share one:
 * each dead task records the queue it came from.
 */
export function withDeadLetterQueues(queues: QueueDefinition[], problems: ProblemCollector): QueueDefinition[] {
  const byName = new Map(queues.map((queue) => [queue.name, queue]));
  const added = new Map<string, QueueDefinition>();
  const where = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;
  const error = (at: SourcePosition, message: string) =>
    problems.problems.push({ ...at, key: 'dead_letter_queue', message, severity: 'error' });

  for (const queue of queues) {
    const dlq = queue.deadLetterQueue;
    if (!dlq) continue;
    const declared = byName.get(dlq.name);
    if (declared?.deadLetterQueue) {
      error(
        dlq.position,
        `dead_letter_queue "${dlq.name}" of queue "${queue.name}" has a dead_letter_queue of its own ` +
          `(at ${where(declared.deadLetterQueue.position)}): ` +
          'a dead-letter queue keeps tasks for replay and cannot pass them on; remove one of the two',
      );
    } else if (declared && declared.rate.perSecond !== 0) {
      error(
        dlq.position,
        `dead_letter_queue "${dlq.name}" of queue "${queue.name}" is the queue at ${where(declared.position)}, which runs its tasks ` +
          `(rate ${declared.rate.text}): a dead-letter queue must stay paused; give that entry "rate: 0", or name another queue`,
      );
    } else if (declared) {
      declared.deadLetterFor = [...(declared.deadLetterFor ?? []), queue.name];
    } else {
      const shared = added.get(dlq.name);
      if (shared) shared.deadLetterFor!.push(queue.name);
      else {
        const paused = { perSecond: 0, text: '0' };
        added.set(dlq.name, { name: dlq.name, mode: 'push', rate: paused, deadLetterFor: [queue.name], position: dlq.position });
      }
    }
  }
  return [...queues, ...added.values()];
}

/** The dead-letter queue of `queue`, if queue.yaml gives it one. */
export function deadLetterQueueOf(queues: readonly QueueDefinition[], queue: string): string | undefined {
  return queues.find((q) => q.name === queue)?.deadLetterQueue?.name;
}
