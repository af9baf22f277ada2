import { http, HttpResponse, type HttpHandler } from 'msw';
import { GOOGLE_JWKS_URL } from '../contract/issuers.js';
import { jwks, type SigningKey } from './oidc-tokens.js';

export { GOOGLE_JWKS_URL };

/**
 * An msw handler that serves `keys` as Google serves its token signing keys (a JWK set at
 * GOOGLE_JWKS_URL, with a max-age), so the handler's verification runs its real code path
 * offline. `onRequest` counts fetches.
 */
export function googleCertsHandler(
  keys: readonly SigningKey[],
  options: { maxAgeSeconds?: number; onRequest?: () => void } = {},
): HttpHandler {
  return http.get(GOOGLE_JWKS_URL, () => {
    options.onRequest?.();
    return HttpResponse.json(jwks(keys), { headers: { 'cache-control': `public, max-age=${options.maxAgeSeconds ?? 3600}` } });
  });
}
