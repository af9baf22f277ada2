/**
 * Graceful shutdown. Cloud Run sends SIGTERM and kills the instance 10 s later. Next's own SIGTERM
 * handler stops listening and waits for requests in flight, without a limit, so a long task would
 * be killed mid-way with no answer. Here, once draining starts:
 *
 * - a task request that arrives anyway (on a kept-alive connection) gets 503 at once: Cloud Tasks
 *   retries it, on another instance;
 * - tasks in flight get a grace period (the shutdownGraceMs option, DEFERRED_SHUTDOWN_GRACE_MS; 8 s) to finish;
 * - any still running then are answered 503 (retried), so Next can exit before the kill.
 *
 * A function cut short keeps running until the process exits and runs again on the retry: that is
 * Cloud Tasks' at-least-once contract, which deferred functions must tolerate anyway. The answer
 * is never 2xx for a task that did not finish, so nothing is left half-done without a retry.
 */
import { currentSettings } from './settings.js';
import { log } from './logger.js';
import { processState } from './process-state.js';

interface Flight {
  request: Request;
  /** Answers the request now with the shutdown response (the work goes on unobserved). */
  cut: () => void;
}

interface DrainState {
  draining: boolean;
  flights: Set<Flight>;
  timer?: NodeJS.Timeout;
}

// Process-wide: instrumentation.ts (which installs the signal handler) and the task route are
// separate module instances of this package in one process; the state must be one.
const state = () => processState('shutdown', (): DrainState => ({ draining: false, flights: new Set() }));

export function isDraining(): boolean {
  return state().draining;
}

/** Tasks being handled right now. */
export function tasksInFlight(): number {
  return state().flights.size;
}

/**
 * Runs one task request, unless the grace period ends first: then `onCut()` answers it instead.
 * The handler wraps every task request in this.
 */
export function trackTask(request: Request, work: () => Promise<Response>, onCut: () => Response): Promise<Response> {
  const { flights } = state();
  // One promise and one `then`: this wraps every task request, and each promise is a cost
  // where async hooks are on (Next's AsyncLocalStorage); `.finally` would add two more.
  return new Promise<Response>((resolve, reject) => {
    // The request is kept whole: its path and task name are needed only if the task is cut.
    const flight: Flight = { request, cut: () => resolve(onCut()) };
    flights.add(flight);
    work().then(
      (response) => {
        flights.delete(flight);
        // Draining: close the connection after this answer, or an idle keep-alive connection
        // holds Next's shutdown open until its keep-alive timeout.
        if (state().draining) response.headers.set('connection', 'close');
        resolve(response);
      },
      (error: unknown) => {
        flights.delete(flight);
        reject(error);
      },
    );
  });
}

/** Starts draining: new task requests get 503; tasks in flight are cut (503) after `graceMs`. */
export function startDraining(graceMs: number): void {
  const current = state();
  if (current.draining) return;
  current.draining = true;
  log(
    'INFO',
    `shutting down: ${current.flights.size} task(s) in flight get ${graceMs} ms to finish; new task requests are answered 503 (retried)`,
  );
  current.timer = setTimeout(() => {
    for (const flight of current.flights) {
      const path = new URL(flight.request.url).pathname;
      const name = flight.request.headers.get('x-cloudtasks-taskname');
      log(
        'WARNING',
        `task cut short by shutdown after ${graceMs} ms, answered 503 so Cloud Tasks retries it: ${name ?? '(no task name)'} at ${path}`,
        { task: { name, path } },
      );
      flight.cut();
    }
    current.flights.clear();
  }, graceMs);
  // The timer must not keep the process alive once Next has finished.
  current.timer.unref();
}

/**
 * Drains on SIGTERM, Cloud Run's stop signal. Idempotent. Next's own SIGTERM handler closes the
 * server and exits once the requests in flight are answered; when no other handler is there (a
 * custom server), this one re-raises the signal after draining, as the default would have ended
 * the process.
 */
export function installGracefulShutdown(graceMs = currentSettings().shutdownGraceMs): void {
  const current = state() as DrainState & { installed?: boolean };
  if (current.installed) return;
  current.installed = true;
  process.once('SIGTERM', () => {
    startDraining(graceMs);
    if (process.listenerCount('SIGTERM') > 0) return;
    const started = Date.now();
    const poll = setInterval(() => {
      if (current.flights.size > 0 && Date.now() - started < graceMs + 500) return;
      clearInterval(poll);
      process.kill(process.pid, 'SIGTERM');
    }, 50);
  });
}

/** Back to serving (tests). */
export function resetShutdownState(): void {
  const current = state();
  clearTimeout(current.timer);
  current.draining = false;
  current.flights.clear();
}
