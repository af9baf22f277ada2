import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { setAdapterDefaults } from '../runtime/options-state.js';
import { traceparentFromHeaders } from '../runtime/trace.js';

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
 * The Next adapter's defaults, under the app's options: `defer()` carries the calling request's
 * `traceparent` (or X-Cloud-Trace-Context) onto each task. registerDeferred() installs them at
 * start, and createDeferredRoute() when the task route loads (an app without instrumentation
 * still gets them); a call, not an import side effect, so bundlers keep it.
 */
export function installNextDefaults(): void {
  setAdapterDefaults({ traceProvider: requestTraceparent });
}
