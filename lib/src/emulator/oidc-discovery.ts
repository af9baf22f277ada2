/**
 * The emulator's OpenID Connect discovery document, next to its JWKS: what an OIDC library
 * that discovers keys from an issuer (jose's createRemoteJWKSet via jwks_uri, openid-client)
 * needs to verify the emulator's task tokens. The fields follow https://accounts.google.com's.
 * `issuer` is the emulator's fixed issuer (contract/issuers.ts), not this server's URL: a
 * library that insists the two match must be given jwks_uri directly.
 */
import { EMULATOR_ISSUER, EMULATOR_JWKS_PATH } from '../contract/issuers.js';

export function oidcDiscovery(baseUrl: string): Record<string, unknown> {
  return {
    issuer: EMULATOR_ISSUER,
    jwks_uri: `${baseUrl}${EMULATOR_JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'sub'],
  };
}
