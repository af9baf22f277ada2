/** The fetch Next.js installs: its own wrapper, with the fetch it wrapped on `_nextOriginalFetch`. */
type WrappedFetch = typeof fetch & { _nextOriginalFetch?: typeof fetch };

/**
 * Node's own fetch, looked up at call time, for google-auth-library clients: gaxios' default
 * loads node-fetch through a dynamic import that fails under jest, and a test's interceptor on
 * globalThis.fetch (msw) must be seen.
 *
 * Inside a Next.js server this is the fetch Next wrapped, not Next's wrapper: the wrapper serves
 * the app's own fetches (data cache, request spans), does nothing for a call to Cloud Tasks or a
 * certificate download, and costs the first such call in a request ~1 ms while its code warms up
 * (bench/cold-start.bench.ts). Production's Cloud Tasks client (gaxios' node-fetch) never went
 * through it either.
 */
export const lateFetch = (url: string | URL | Request, init?: RequestInit) => {
  const current = globalThis.fetch as WrappedFetch;
  return (current._nextOriginalFetch ?? current)(url, init);
};
