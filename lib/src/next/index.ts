/**
 * The Next.js adapter: everything that knows about Next lives in this file.
 * The core (handleDeferredRequest, defer) takes and returns Web standard objects.
 */
import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { after } from 'next/server';
import { handleDeferredRequest, type HandlerOptions } from '../handle/handler.js';
import { prewarmDefer } from '../enqueue/defer.js';
import type { DeadLetterSink } from '../handle/dead-letter.js';
import { setDefaultDeadLetterSink } from '../handle/default-dead-letter-sink.js';
import { readTuning } from '../runtime/config.js';
import { onAnyTaskEvent, type AnyTaskEventListener } from '../runtime/events.js';
import { log, setLogWriter, type LogWriter } from '../runtime/logger.js';
import { processState } from '../runtime/process-state.js';
import type { Manifest } from '../runtime/registry.js';
import { afterResponseScheduler, runGuarded, warnOnceAboutCpuOnCloudRun } from '../runtime/after-response.js';
import { installGracefulShutdown } from '../runtime/shutdown.js';
import { formatStartupProblems, inspectStartup, startupCheckMode } from '../runtime/startup-check.js';
import { setTraceProvider, traceparentFromHeaders } from '../runtime/trace.js';

type RouteHandler = (request: Request) => Promise<Response>;

/**
 * The task route's handlers, for `app/%5Fah/queue/deferred/[[...suffix]]/route.ts`:
 * `export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);`
 * Every method is exported so that a wrong one gets the contract's 405 with `Allow: POST`.
 */
export function createDeferredRoute(manifest: Manifest, options: Omit<HandlerOptions, 'manifest'> = {}) {
  const handler: RouteHandler = (request) => handleDeferredRequest(request, { ...options, manifest });
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}

/**
 * Fire-and-forget work after the response is sent (an analytics ping), on Next's `after()`.
 * Errors are logged, never thrown or retried. Outside a request (a script, a test) the work
 * runs in the background instead. For work that must happen, use `defer()`.
 */
export function runAfterResponse(work: () => unknown): void {
  warnOnceAboutCpuOnCloudRun();
  // A test collects the work instead (next-cloud-tasks/testing: collectAfterResponse).
  const scheduler = afterResponseScheduler();
  if (scheduler) return scheduler(work);
  try {
    after(() => runGuarded(work));
  } catch {
    // after() throws outside a request scope: the work still runs, just not tied to a response.
    void runGuarded(work);
  }
}

/** The incoming request's trace, read with `next/headers`; undefined outside a request. */
async function requestTraceparent(): Promise<string | undefined> {
  try {
    return traceparentFromHeaders(await headers());
  } catch (error) {
    // Next's own signals (dynamic rendering bail-out during prerender) must reach Next;
    // "called outside a request scope" (a script, a test, a timer) just means no trace.
    unstable_rethrow(error);
    return undefined;
  }
}

/**
 * Makes `defer()` carry the calling request's `traceparent` (or X-Cloud-Trace-Context) onto each
 * task. instrumentation.ts calls it once at start; importing this file also does, for apps
 * without instrumentation.
 */
export function propagateRequestTrace(): void {
  setTraceProvider(requestTraceparent);
}

propagateRequestTrace();

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
