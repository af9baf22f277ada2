/**
 * The global fetch, looked up at call time, for google-auth-library clients: gaxios' default
 * loads node-fetch through a dynamic import that fails under jest, and a test's interceptor on
 * globalThis.fetch (msw) must be seen, even one installed after the client was made.
 */
export const lateFetch = (url: string | URL | Request, init?: RequestInit) => globalThis.fetch(url, init);
