import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { setTraceProvider, traceparentFromHeaders } from '../runtime/trace.js';

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
 * task, process-wide. registerDeferred() calls it at start, and createDeferredRoute() when the
 * task route loads; it is a call, not an import side effect, so bundlers keep it.
 */
export function propagateRequestTrace(): void {
  setTraceProvider(requestTraceparent);
}
