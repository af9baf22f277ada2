import { prewarmDefer } from '../enqueue/defer.js';
import type { DeadLetterSink } from '../handle/dead-letter.js';
import { setDefaultDeadLetterSink } from '../handle/default-dead-letter-sink.js';
import { readTuning } from '../runtime/config.js';
import { onAnyTaskEvent, type AnyTaskEventListener } from '../runtime/events.js';
import { log, setLogWriter, type LogWriter } from '../runtime/logger.js';
import { processState } from '../runtime/process-state.js';
import { installGracefulShutdown } from '../runtime/shutdown.js';
import { formatStartupProblems, inspectStartup, startupCheckMode } from '../runtime/startup-check.js';
import { propagateRequestTrace } from './request-trace.js';

/** Process-wide settings for registerDeferred(); each holds for every module instance of the adapter. */
export interface RegisterDeferredOptions {
  /**
   * Called with every task lifecycle event of this server process: tasks the task route runs and
   * tasks that route handlers and server actions enqueue.
   * @example onEvent: (event, payload) => metrics.increment(event)
   */
  onEvent?: AnyTaskEventListener;
  /** Where the adapter's log entries go. @default one JSON line per entry on stdout/stderr (Cloud Logging's format) */
  logWriter?: LogWriter;
  /**
   * Where tasks that will not run again go, for task routes that set no `deadLetter` of their own.
   * @default cloudTasksDeadLetterSink(): the queue's paused dead-letter queue, else one ERROR log entry
   */
  deadLetter?: DeadLetterSink;
}

const registration = () => processState('next-registration', (): { offEvents?: () => void } => ({}));

/**
 * What the app's instrumentation.ts runs once at start, in the Node.js runtime: check the
 * configuration with every problem in one message (exit in production, warn in dev) instead of
 * failing on the first task; answer tasks still running at SIGTERM with a retryable status; load
 * the Cloud Tasks client before the server takes requests (Next awaits `register()`), so the first
 * defer() is not the slow one (DEFERRED_PREWARM=off skips that, for a service that never defers).
 *
 * Next.js loads this package separately for instrumentation, route handlers and server actions;
 * the settings given here are process-wide, so they hold for all three.
 */
export async function registerDeferred(options: RegisterDeferredOptions = {}): Promise<void> {
  if (options.logWriter) setLogWriter(options.logWriter);
  if (options.deadLetter) setDefaultDeadLetterSink(options.deadLetter);
  // Called again (a dev server's reload), the new listener replaces the old one.
  const state = registration();
  state.offEvents?.();
  state.offEvents = options.onEvent ? onAnyTaskEvent(options.onEvent) : undefined;
  const mode = startupCheckMode();
  if (mode !== 'off') {
    const { problems } = inspectStartup();
    const fields = { problems: problems.map((p) => p.variable) };
    if (problems.length && mode === 'fail') {
      log('ERROR', formatStartupProblems(problems), fields);
      // Exit before listening: Cloud Run keeps the previous revision serving and shows this line.
      process.exit(1);
    }
    if (problems.length) log('WARNING', formatStartupProblems(problems), fields);
  }
  // On SIGTERM, tasks in flight get DEFERRED_SHUTDOWN_GRACE_MS to finish, then a retryable 503.
  installGracefulShutdown();
  propagateRequestTrace();
  if (readTuning('prewarm')) await prewarmDefer();
}
