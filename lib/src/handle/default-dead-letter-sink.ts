import { processState } from '../runtime/process-state.js';
import { cloudTasksDeadLetterSink } from './cloud-tasks-dead-letter-sink.js';
import type { DeadLetterSink } from './dead-letter.js';

// Process-wide: registerDeferred({ deadLetter }) sets it in instrumentation.ts's module instance,
// and the task route's handler (another module instance) must use it.
const sinks = () => processState('dead-letter-sink', (): { sink?: DeadLetterSink } => ({}));

/**
 * The sink for task routes that set none: what registerDeferred({ deadLetter }) gave, else
 * cloudTasksDeadLetterSink() with its defaults (made once).
 */
export function defaultDeadLetterSink(): DeadLetterSink {
  const state = sinks();
  return (state.sink ??= cloudTasksDeadLetterSink());
}

/** Sets the process's default sink; `undefined` restores cloudTasksDeadLetterSink(). */
export function setDefaultDeadLetterSink(sink: DeadLetterSink | undefined): void {
  sinks().sink = sink;
}
