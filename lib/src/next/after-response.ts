import { after } from 'next/server';
import { afterResponseScheduler, runGuarded, warnOnceAboutCpuOnCloudRun } from '../runtime/after-response.js';

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

/**
 * The wrapper form of runAfterResponse (App Engine's `@run_after_response` decorator): every call
 * of the returned function schedules `fn` with those arguments after the response, guarded the
 * same way (logged, never thrown, never retried). The arguments are taken at the call, so a
 * value changed later in the request does not change what runs. Calls return nothing: the work
 * has not run yet.
 *
 * @example
 * const track = afterResponse(async (event: string, userId: string) => analytics.send(event, userId));
 * track('signup', user.id); // track(42) does not compile
 */
export function afterResponse<Args extends unknown[]>(fn: (...args: Args) => unknown): (...args: Args) => void {
  if (typeof fn !== 'function') throw new TypeError('afterResponse() takes the function to run after the response');
  return (...args: Args) => runAfterResponse(() => fn(...args));
}
