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
