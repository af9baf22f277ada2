import { http, HttpResponse, type HttpHandler } from 'msw';
import { GOOGLE_PEM_CERTS_URL } from '../contract/issuers.js';
import { pemCerts, type SigningKey } from './oidc-tokens.js';

export { GOOGLE_PEM_CERTS_URL };

/**
 * An msw handler that serves `keys` at Google's certs URL, with a max-age as Google sends, so
 * the handler's verification runs its real code path offline. `onRequest` counts fetches.
 */
export function googleCertsHandler(
  keys: readonly SigningKey[],
  options: { maxAgeSeconds?: number; onRequest?: () => void } = {},
): HttpHandler {
  return http.get(GOOGLE_PEM_CERTS_URL, () => {
    options.onRequest?.();
    return HttpResponse.json(pemCerts(keys), { headers: { 'cache-control': `public, max-age=${options.maxAgeSeconds ?? 3600}` } });
  });
}
