import { currentOptions } from '../runtime/options-state.js';
import { processState } from '../runtime/process-state.js';
import { cloudTasksDeadLetterSink } from './cloud-tasks-dead-letter-sink.js';
import type { DeadLetterSink } from '../runtime/dead-letter-sink.js';

// Process-wide, like the options: one default sink for every module instance.
const fallbackSink = () => processState('dead-letter-sink', () => cloudTasksDeadLetterSink());

/**
 * The sink for task routes that set none: the `deadLetter` option (registerDeferred's), else
 * cloudTasksDeadLetterSink() with its defaults (made once).
 */
export function defaultDeadLetterSink(): DeadLetterSink {
  return currentOptions().deadLetter ?? fallbackSink();
}
